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
