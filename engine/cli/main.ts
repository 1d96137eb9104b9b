// `npm run flow -- <command>`: the headless face of the engine. JSON goes to
// stdout, messages to stderr, and the exit code says how it went (docs/cli.md).
import { parseArgs } from 'node:util';
import type { ApprovalDecision, Diagnostic, Json, RunResult } from '../types.ts';
import { readJsonFile } from './jsonFile.ts';
import type { RunJob } from './protocol.ts';
import { RUN_MEMORY_LIMIT_MB, runInWorker } from './runInWorker.ts';

const EXIT = { succeeded: 0, failed: 1, invalid: 2, waiting: 3 } as const;

/** Preview runs are offline and quick, so one that takes a minute is a runaway. */
const DEFAULT_PREVIEW_TIMEOUT_SECONDS = 60;

const USAGE = `Usage: npm run flow -- <command> [options]

Commands:
  run <file> [--input <file> | --sample <name>] [--decisions <file>] [--live] [--timeout <seconds>]
      Run the workflow and print its run result.
      --input      a JSON file with the workflow input
      --sample     the name of one of the definition's input samples
                   (with neither, the first sample is used; null when there is none)
      --decisions  a JSON object mapping approval node ids to "approved" or "rejected"
      --live       perform real http and llm calls instead of returning their mocks
      --timeout    stop the run after this many seconds (default: ${DEFAULT_PREVIEW_TIMEOUT_SECONDS} in preview, none with --live)
      Exit 0 succeeded, 1 failed, 3 waiting for an approval,
      2 invalid definition, unreadable file, unknown sample or wrong usage.

  validate <file>
      Print { "valid", "errors", "warnings" }. Exit 0 when valid, 2 when not.

  export <file> --target asl [--out <file>] [--option key=value ...]
      Export the workflow to AWS Step Functions (Amazon States Language).
      "export --help" lists the options.

  --help
      Print this text.
`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    process.stderr.write(USAGE);
    return EXIT.invalid;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return EXIT.succeeded;
  }
  try {
    switch (command) {
      case 'run':
        return await runCommand(rest);
      case 'validate':
        return await validateCommand(rest);
      case 'export':
        return await dispatchExport(rest);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      process.stderr.write(`weft: ${(error as Error).message}\n\n${USAGE}`);
      return EXIT.invalid;
    }
    throw error;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

function oneFile(positionals: string[], command: string): string {
  if (positionals.length !== 1 || positionals[0] === undefined) {
    throw new UsageError(`${command} takes exactly one workflow file`);
  }
  return positionals[0];
}

async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      input: { type: 'string' },
      sample: { type: 'string' },
      decisions: { type: 'string' },
      live: { type: 'boolean' },
      timeout: { type: 'string' },
    },
  });
  const file = oneFile(positionals, 'run');
  if (values.input !== undefined && values.sample !== undefined) {
    throw new UsageError('give --input or --sample, not both');
  }
  const live = values.live === true;
  let timeoutSeconds: number | undefined = live ? undefined : DEFAULT_PREVIEW_TIMEOUT_SECONDS;
  if (values.timeout !== undefined) {
    timeoutSeconds = Number(values.timeout);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || values.timeout.trim() === '') {
      throw new UsageError(`--timeout takes a positive number of seconds, not "${values.timeout}"`);
    }
  }

  const definition = readOrReport(file);
  if (definition === undefined) return EXIT.invalid;
  const job: RunJob = { file, definition, live };
  if (values.input !== undefined) {
    const input = readOrReport(values.input);
    if (input === undefined) return EXIT.invalid;
    job.input = input;
  }
  if (values.sample !== undefined) job.sample = values.sample;
  if (values.decisions !== undefined) {
    const decisions = readDecisions(values.decisions);
    if (decisions === undefined) return EXIT.invalid;
    job.decisions = decisions;
  }

  const reply = await runInWorker(job, { timeoutSeconds, memoryMb: memoryLimitMb() });
  switch (reply.type) {
    case 'invalid':
      return reportInvalid(file, reply.errors, reply.warnings);
    case 'unknownSample': {
      const names = reply.available.map((name) => `  ${name}`).join('\n');
      process.stderr.write(
        reply.available.length === 0
          ? `weft: ${file} has no input samples, so there is no sample "${reply.sample}"\n`
          : `weft: ${file} has no sample "${reply.sample}". Its samples:\n${names}\n`,
      );
      return EXIT.invalid;
    }
    case 'result':
      printDiagnostics(file, reply.warnings);
      for (const note of reply.notes) process.stderr.write(`weft: ${note}\n`);
      printJson(reply.result);
      reportRunError(reply.result);
      return EXIT[reply.result.status];
  }
}

/** The run worker's heap limit: WEFT_RUN_MEMORY_MB when set to a sane number, else the default. */
function memoryLimitMb(): number {
  const fromEnv = Number(process.env.WEFT_RUN_MEMORY_MB);
  return Number.isInteger(fromEnv) && fromEnv >= 64 ? fromEnv : RUN_MEMORY_LIMIT_MB;
}

async function validateCommand(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const file = oneFile(positionals, 'validate');
  const definition = readOrReport(file);
  if (definition === undefined) return EXIT.invalid;
  // Loaded here rather than at the top: `run` compiles inside its worker and
  // should not pay for loading the engine twice.
  const { compileWorkflow } = await import('../index.ts');
  const compiled = compileWorkflow(definition);
  if (!compiled.ok) return reportInvalid(file, compiled.errors, compiled.warnings);
  printJson({ valid: true, errors: [], warnings: compiled.warnings.map(plainDiagnostic) });
  printDiagnostics(file, compiled.warnings);
  return EXIT.succeeded;
}

async function dispatchExport(args: string[]): Promise<number> {
  // The export command is its own module (issue 4), loaded only when asked for:
  // `run` and `validate` should not pay for loading the exporter.
  const { exportCommand } = await import('./exportCommand.ts');
  return await exportCommand(args);
}

function readOrReport(path: string): Json | undefined {
  const read = readJsonFile(path);
  if (read.ok) return read.value;
  process.stderr.write(`weft: ${read.message}\n`);
  return undefined;
}

function readDecisions(path: string): Record<string, ApprovalDecision> | undefined {
  const value = readOrReport(path);
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    process.stderr.write(
      `weft: ${path} must be a JSON object mapping approval node ids to "approved" or "rejected"\n`,
    );
    return undefined;
  }
  const decisions = new Map<string, ApprovalDecision>();
  for (const [id, decision] of Object.entries(value)) {
    if (decision !== 'approved' && decision !== 'rejected') {
      process.stderr.write(
        `weft: ${path}: the decision for "${id}" must be "approved" or "rejected", not ${JSON.stringify(decision)}\n`,
      );
      return undefined;
    }
    decisions.set(id, decision);
  }
  // fromEntries defines own properties, so an id such as "__proto__" stays plain data.
  return Object.fromEntries(decisions);
}

interface PlainDiagnostic {
  path: string;
  code: string;
  message: string;
  /** For expressions: the 0-based offset of the problem inside the expression at `path`. */
  position?: number;
}

function plainDiagnostic(d: Diagnostic): PlainDiagnostic {
  const plain: PlainDiagnostic = { path: d.path, code: d.code, message: d.message };
  if (d.position !== undefined) plain.position = d.position;
  return plain;
}

function reportInvalid(file: string, errors: Diagnostic[], warnings: Diagnostic[]): number {
  printJson({
    valid: false,
    errors: errors.map(plainDiagnostic),
    warnings: warnings.map(plainDiagnostic),
  });
  printDiagnostics(file, [...errors, ...warnings]);
  return EXIT.invalid;
}

function printDiagnostics(file: string, diagnostics: Diagnostic[]): void {
  for (const d of diagnostics) {
    const at = d.position === undefined ? '' : ` (offset ${d.position})`;
    process.stderr.write(
      `${file}: ${d.severity} ${d.path || '(root)'}${at} ${d.code}: ${d.message}\n`,
    );
  }
}

function reportRunError(result: RunResult): void {
  if (result.status === 'failed' && result.error) {
    const { node, path, position } = result.error;
    const where =
      (node ? ` at node "${node}"` : '') +
      (path !== undefined ? ` (data ${path || '(root)'})` : '') +
      (position !== undefined ? ` (offset ${position})` : '');
    process.stderr.write(
      `weft: the run failed${where}: ${result.error.code}: ${result.error.message}\n`,
    );
  } else if (result.status === 'waiting') {
    const waiting = Object.entries(result.nodes)
      .filter(([, node]) => node.status === 'waiting')
      .map(([id]) => id);
    process.stderr.write(`weft: the run is waiting for: ${waiting.join(', ')}\n`);
  }
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(
    `weft: internal error: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exitCode = EXIT.failed;
}
