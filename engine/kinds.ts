// Node-kind metadata for the editor's main thread: each kind's description
// and the ports a node offers. The same data as engine/index.ts gives, from a
// module the editor can load without the compiler and runner.

import type { NodeModule } from './nodes/kind.ts';
import { nodeModuleOf, nodeModules } from './nodes/registry.ts';
import type { JsonObject, NodeDefinition, NodeKindInfo } from './types.ts';

export { NODE_KINDS } from './types.ts';

/** Every node kind's description, in palette order. */
export const nodeKinds: readonly NodeKindInfo[] = nodeModules.map((m) => m.info);

/**
 * The ports a node's outgoing edges may use, `error` last. Switch nodes have
 * one port per case, then `default`. An unknown kind has only `error`.
 */
export function outPortsOf(node: NodeDefinition): string[] {
  const module = nodeModuleOf(node.kind);
  if (!module) return ['error'];
  try {
    return portsOf(module, node.config ?? {});
  } catch {
    return [...module.info.outPorts, 'error'];
  }
}

/** A kind's out ports for this config (switch: its cases, then `default`), `error` last. */
export function portsOf(module: NodeModule, config: JsonObject): string[] {
  const ports = module.outPorts ? module.outPorts(config) : [...module.info.outPorts];
  ports.push('error');
  return ports;
}
