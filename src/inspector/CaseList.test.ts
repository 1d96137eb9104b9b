import { describe, expect, it } from 'vitest';
import { portProblem, readCases } from './CaseList.tsx';

describe('switch case list', () => {
  it('reads cases leniently, so a half-written config still shows its cases', () => {
    expect(
      readCases({ cases: [{ port: 'high', expression: 'severity = "high"' }, { port: 7 }, 'x'] }),
    ).toEqual([
      { port: 'high', expression: 'severity = "high"' },
      { port: '', expression: '' },
      { port: '', expression: '' },
    ]);
    expect(readCases({})).toEqual([]);
  });

  it('flags port names the engine would refuse while they are typed', () => {
    const cases = [
      { port: 'high', expression: 'true' },
      { port: 'high', expression: 'false' },
      { port: 'default', expression: 'true' },
      { port: '2fast', expression: 'true' },
      { port: '', expression: 'true' },
      { port: 'low-prio', expression: 'true' },
    ];
    expect(cases.map((_, i) => portProblem(cases, i))).toEqual([
      null,
      'Another case already uses "high".',
      '"default" is a reserved port name.',
      'Use letters, digits, _ or -, not starting with a digit.',
      'Give the case a port name.',
      null,
    ]);
  });
});
