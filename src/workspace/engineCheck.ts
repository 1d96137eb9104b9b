// Asks the engine what it thinks of a definition (compile diagnostics). Once
// the preview is connected this is a validate() call on the editor's own
// worker (compile only: the preview's state is untouched); before that (while
// the workspace opens) a short-lived client does it. A definition that makes
// the engine hang or crash is reported as such rather than blocking the caller.
import {
  createPreviewClient,
  engineClient,
  type Diagnostic,
  type PreviewClient,
  type PreviewClientOptions,
  type WorkflowDefinition,
} from '../engine/client.ts';

export type EngineVerdict =
  | { state: 'checked'; errors: Diagnostic[]; warnings: Diagnostic[] }
  | { state: 'unchecked'; reason: string };

const CHECK_TIMEOUT_MS = 4000;

export async function checkWithEngine(
  definition: WorkflowDefinition,
  options: {
    timeoutMs?: number;
    /** The client to ask; by default the editor's, else a short-lived one. */
    client?: PreviewClient;
    /** How the short-lived client starts its worker (tests). */
    spawn?: PreviewClientOptions['spawn'];
  } = {},
): Promise<EngineVerdict> {
  const timeoutMs = options.timeoutMs ?? CHECK_TIMEOUT_MS;
  const existing = options.client ?? (options.spawn ? null : engineClient());
  let ownClient: PreviewClient | null = null;
  try {
    const client =
      existing ??
      (ownClient = createPreviewClient({
        timeoutMs,
        ...(options.spawn ? { spawn: options.spawn } : {}),
        events: { onReply() {}, onTimeout() {} },
      }));
    const answer = await client.validate(definition, timeoutMs);
    if (!answer.ok) return { state: 'unchecked', reason: answer.reason };
    return {
      state: 'checked',
      errors: answer.value.filter((d) => d.severity === 'error'),
      warnings: answer.value.filter((d) => d.severity === 'warning'),
    };
  } catch (error) {
    return { state: 'unchecked', reason: error instanceof Error ? error.message : String(error) };
  } finally {
    ownClient?.dispose();
  }
}
