import { describe, expect, it } from 'vitest';
import * as full from './index.ts';
import * as light from './kinds.ts';
import type { NodeDefinition } from './types.ts';

describe('the light kinds entry', () => {
  it('gives the same kinds and ports as the engine entry', () => {
    expect(light.nodeKinds).toEqual(full.nodeKinds);
    expect(light.NODE_KINDS).toEqual(full.NODE_KINDS);
    const nodes: NodeDefinition[] = [
      ...full.NODE_KINDS.map((kind) => ({ id: 'n', kind })),
      {
        id: 's',
        kind: 'switch',
        config: { cases: [{ port: 'small', expression: '$ < 10' }, { port: 'big' }] },
      },
      { id: 'u', kind: 'nope' as NodeDefinition['kind'] },
    ];
    for (const node of nodes) expect(light.outPortsOf(node)).toEqual(full.outPortsOf(node));
    expect(light.outPortsOf(nodes[nodes.length - 2]!)).toEqual(['small', 'default', 'error']);
  });
});
