// The definition format's JSON Schema, as published in public/schema/.

import published from '../../public/schema/workflow-v1.json' with { type: 'json' };
import type { JsonObject } from '../types.ts';
import type { CompiledSchema } from '../util/schema.ts';
import { compileTrustedSchema } from '../util/schema.ts';

/** The JSON of public/schema/workflow-v1.json. */
export const workflowSchema: JsonObject = published as JsonObject;

let structural: CompiledSchema | undefined;
let structuralNode: CompiledSchema | undefined;
let structuralEdge: CompiledSchema | undefined;
let structuralTop: CompiledSchema | undefined;

/** A copy of the published schema without its per-kind `if/then` config rules. */
function withoutConfigRules(): { $schema: string; $defs: { node: { allOf?: unknown } } } {
  const copy = JSON.parse(JSON.stringify(published)) as {
    $schema: string;
    $defs: { node: { allOf?: unknown } };
  };
  delete copy.$defs.node.allOf;
  return copy;
}

/**
 * The published schema without its per-kind `if/then` config rules: compile
 * checks each config against its kind's own schema instead, so that a bad
 * config is reported as CONFIG_INVALID under /nodes/N/config rather than as a
 * generic SCHEMA_INVALID. Compiled on first use.
 */
export function structuralSchema(): CompiledSchema {
  structural ??= compileTrustedSchema(withoutConfigRules());
  return structural;
}

/**
 * The structural rules for one node alone (`$defs/node` of `structuralSchema`):
 * what an edit of one node must pass when the rest of the definition is
 * already known to be valid. Compiled on first use.
 */
export function structuralNodeSchema(): CompiledSchema {
  if (!structuralNode) {
    const { $schema, $defs } = withoutConfigRules();
    structuralNode = compileTrustedSchema({ $schema, $defs, $ref: '#/$defs/node' });
  }
  return structuralNode;
}

/**
 * The rules for one edge alone (`$defs/edge`): what a new edge must pass when
 * the rest of the definition is already known to be valid. Compiled on first use.
 */
export function structuralEdgeSchema(): CompiledSchema {
  if (!structuralEdge) {
    const { $schema, $defs } = withoutConfigRules();
    structuralEdge = compileTrustedSchema({ $schema, $defs, $ref: '#/$defs/edge' });
  }
  return structuralEdge;
}

/**
 * The structural rules for the document's top level alone: `nodes` and
 * `edges` need only be arrays. What an edit of the name, the description or
 * the input (its samples, its schema) must pass when the nodes and edges are
 * the very ones of a definition already known to be valid. Compiled on first
 * use.
 */
export function structuralTopSchema(): CompiledSchema {
  if (!structuralTop) {
    const copy = withoutConfigRules() as unknown as {
      $id?: string;
      properties: Record<string, unknown>;
    };
    // ajv holds the whole schema under this id already.
    delete copy.$id;
    copy.properties['nodes'] = { type: 'array' };
    copy.properties['edges'] = { type: 'array' };
    structuralTop = compileTrustedSchema(copy);
  }
  return structuralTop;
}
