import { describe, expect, it } from 'vitest';
import { NODE_KINDS, nodeKinds, outPortsOf } from './kinds.ts';
import type { NodeDefinition } from './types.ts';

describe('node kinds for the editor', () => {
  it('describes every kind once, in palette order', () => {
    expect(nodeKinds.map((info) => info.kind).sort()).toEqual([...NODE_KINDS].sort());
  });

  it("gives each kind's fixed ports with error last", () => {
    for (const info of nodeKinds) {
      if (info.kind === 'switch') continue;
      expect(outPortsOf({ id: 'n', kind: info.kind })).toEqual([...info.outPorts, 'error']);
    }
    expect(outPortsOf({ id: 'c', kind: 'condition' })).toEqual(['true', 'false', 'error']);
    expect(outPortsOf({ id: 'o', kind: 'output' })).toEqual(['error']);
  });

  it('gives a switch one port per case, then default, then error', () => {
    const node: NodeDefinition = {
      id: 's',
      kind: 'switch',
      config: { cases: [{ port: 'small', expression: '$ < 10' }, { port: 'big' }] },
    };
    expect(outPortsOf(node)).toEqual(['small', 'default', 'error']);
  });

  it('gives an unknown kind only the error port', () => {
    expect(outPortsOf({ id: 'u', kind: 'nope' as NodeDefinition['kind'] })).toEqual(['error']);
  });
});
