// Asks the engine what it thinks of a definition (compile diagnostics) in a
// short-lived worker of its own, so checking an import or a restored document
// never disturbs the editor's preview worker. A definition that makes the
// worker hang or crash is reported as such rather than blocking the caller.
import {
  createPreviewClient,
  type Diagnostic,
  type Json,
  type PreviewClientOptions,
  type WorkflowDefinition,
} from '../engine/client.ts';

export type EngineVerdict =
  | { state: 'checked'; errors: Diagnostic[]; warnings: Diagnostic[] }
  | { state: 'unchecked'; reason: string };

const CHECK_TIMEOUT_MS = 4000;

export function checkWithEngine(
  definition: WorkflowDefinition,
  options: { timeoutMs?: number; spawn?: PreviewClientOptions['spawn'] } = {},
): Promise<EngineVerdict> {
  const timeoutMs = options.timeoutMs ?? CHECK_TIMEOUT_MS;
  return new Promise((resolve) => {
    let done = false;
    const finish = (verdict: EngineVerdict) => {
      if (done) return;
      done = true;
      // Disposing from inside the client's own callback: let it finish first.
      setTimeout(() => client?.dispose(), 0);
      resolve(verdict);
    };
    let client: ReturnType<typeof createPreviewClient> | null = null;
    try {
      client = createPreviewClient({
        timeoutMs,
        ...(options.spawn ? { spawn: options.spawn } : {}),
        events: {
          onReply(reply) {
            finish({
              state: 'checked',
              errors: reply.diagnostics.filter((d) => d.severity === 'error'),
              warnings: reply.diagnostics.filter((d) => d.severity === 'warning'),
            });
          },
          onTimeout() {
            finish({ state: 'unchecked', reason: 'the engine did not answer in time' });
          },
          onFailure(_generation, message) {
            finish({ state: 'unchecked', reason: `the engine failed: ${message}` });
          },
        },
      });
      const samples = definition.input?.samples;
      const input: Json = Array.isArray(samples) && samples[0] ? samples[0].data : null;
      client.request({ definition, input, decisions: {} });
    } catch (error) {
      finish({
        state: 'unchecked',
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  });
}
