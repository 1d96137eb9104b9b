import { describe, expect, it } from 'vitest';
import { checkDefinitionShape, MAX_JSON_DEPTH, parseJsonText } from './shape.ts';

const valid = {
  format: 'weft/v1',
  id: 'x',
  name: 'X',
  nodes: [{ id: 'start', kind: 'trigger', position: { x: 1, y: 2 } }],
  edges: [],
};

describe('parseJsonText', () => {
  it('parses JSON and refuses anything else with the parser message', () => {
    expect(parseJsonText('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    const broken = parseJsonText('{"a": ');
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.message).toMatch(/^The file is not valid JSON/);
  });

  it('refuses text over the size cap before parsing it', () => {
    const outcome = parseJsonText(`"${'x'.repeat(2000)}"`, 1000);
    expect(outcome).toEqual({
      ok: false,
      message: 'The file is too large (2.0 KB); the limit is 1000 bytes.',
    });
  });

  it('refuses deep nesting with a clear message instead of overflowing later', () => {
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    expect(parseJsonText(deep)).toEqual({
      ok: false,
      message: `The file is nested more than ${MAX_JSON_DEPTH} levels deep.`,
    });
    const fine = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(parseJsonText(fine).ok).toBe(true);
  });

  it('keeps __proto__ as an own data property and pollutes nothing', () => {
    const outcome = parseJsonText('{"__proto__": {"polluted": true}, "constructor": 1}');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const value = outcome.value as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('checkDefinitionShape', () => {
  it('accepts a definition shaped like weft/v1', () => {
    expect(checkDefinitionShape(valid)).toEqual([]);
  });

  it('names the path of each problem', () => {
    const problems = checkDefinitionShape({
      ...valid,
      format: 'other',
      nodes: [{ id: 3, kind: 'trigger' }, 'node'],
      edges: [{ source: 'a' }],
    });
    expect(problems.map((p) => p.path)).toEqual(['/format', '/nodes/0/id', '/nodes/1', '/edges/0']);
  });

  it('refuses non-objects and inherited fields', () => {
    expect(checkDefinitionShape([valid])).toEqual([
      { path: '', message: 'A workflow definition must be a JSON object.' },
    ]);
    const inherits = Object.create(valid) as object;
    expect(checkDefinitionShape(inherits).map((p) => p.path)).toContain('/format');
  });
});
