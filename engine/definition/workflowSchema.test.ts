import { describe, expect, it } from 'vitest';
import { nodeKinds, workflowSchema } from '../index.ts';

describe('public/schema/workflow-v1.json', () => {
  const defs = workflowSchema.$defs as Record<string, unknown>;

  it('is a draft 2020-12 schema with a stable $id', () => {
    expect(workflowSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(workflowSchema.$id).toBe('https://weft.dev/schema/workflow-v1.json');
  });

  it("publishes each kind's config schema exactly as the kind declares it", () => {
    for (const info of nodeKinds) {
      expect(defs[`config-${info.kind}`], info.kind).toEqual(info.configSchema);
    }
  });

  it('applies each config schema to its kind through if/then', () => {
    const rules = (defs.node as { allOf: { if: unknown; then: unknown }[] }).allOf;
    expect(rules.map((rule) => JSON.stringify(rule.if))).toEqual(
      nodeKinds.map((info) =>
        JSON.stringify({ properties: { kind: { const: info.kind } }, required: ['kind'] }),
      ),
    );
  });
});

describe('the published schema on its own', () => {
  it('catches a bad config too, for tools that only have the schema', async () => {
    const { default: Ajv2020 } = await import('ajv/dist/2020.js');
    const validate = new Ajv2020({ strict: false }).compile(workflowSchema);
    const definition = {
      format: 'weft/v1',
      id: 'x',
      name: 'X',
      nodes: [
        { id: 'start', kind: 'trigger' },
        { id: 'shape', kind: 'transform', config: { expresion: 'a' } },
      ],
      edges: [{ source: 'start', target: 'shape' }],
    };
    expect(validate(definition)).toBe(false);
    const fixed = {
      ...definition,
      nodes: [definition.nodes[0], { id: 'shape', kind: 'transform', config: { expression: 'a' } }],
    };
    expect(validate(fixed)).toBe(true);
  });
});
