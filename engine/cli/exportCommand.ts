// `weft export <file> --target asl [--out <file>] [--option key=value …]`
//
// Validates the definition first (the same checks as `validate`), then exports
// it. The machine goes to stdout, or to --out; warnings (placeholders to fill
// in, an input schema that is not checked) and reasons go to stderr.
// Exit 0 exported; 2 wrong usage, an unreadable or invalid definition, or a
// graph the target cannot express (the reasons on stdout as JSON, per node);
// 1 when --out cannot be written.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compileWorkflow } from '../index.ts';
import { exportToAsl, type AslExportIssue, type AslExportOptions } from '../export/asl.ts';
import type { WorkflowDefinition } from '../types.ts';
import { readJsonFile } from './jsonFile.ts';

const USAGE = `usage: weft export <file> --target asl [--out <file>] [--option key=value ...]

Options for --target asl (resources only you know; placeholders otherwise):
  httpConnectionArn=ARN            EventBridge connection for every http node
  httpConnectionArn.<node>=ARN     ... for one http node
  approvalQueueUrl=URL             SQS queue that receives approval task tokens
  bedrockModelId=ID                Bedrock model for llm nodes (Anthropic Messages API)
  stateMachineArn.<workflow>=ARN   state machine that runs a sub-workflow
  mapMaxConcurrency=N              MaxConcurrency of every Map state
`;

class UsageError extends Error {}

function parseOptions(pairs: string[]): AslExportOptions {
  const options: AslExportOptions = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--option takes key=value, not "${pair}"`);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (value === '') throw new UsageError(`--option ${key} needs a value`);
    const [head, ...rest] = key.split('.');
    const sub = rest.join('.');
    if (head === 'httpConnectionArn' && sub === '') options.httpConnectionArn = value;
    else if (head === 'httpConnectionArn') {
      options.httpConnectionArns = { ...options.httpConnectionArns, [sub]: value };
    } else if (head === 'approvalQueueUrl' && sub === '') options.approvalQueueUrl = value;
    else if (head === 'bedrockModelId' && sub === '') options.bedrockModelId = value;
    else if (head === 'stateMachineArn' && sub !== '') {
      options.stateMachineArns = { ...options.stateMachineArns, [sub]: value };
    } else if (head === 'mapMaxConcurrency' && sub === '') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) {
        throw new UsageError(`mapMaxConcurrency takes a whole number of 0 or more, not "${value}"`);
      }
      options.mapMaxConcurrency = n;
    } else {
      throw new UsageError(`unknown export option "${key}"`);
    }
  }
  return options;
}

function describe(file: string, issue: AslExportIssue, severity: 'error' | 'warning'): string {
  const node = issue.node !== undefined ? ` (node ${issue.node})` : '';
  return `${file}: ${severity} ${issue.path || '(root)'} ${issue.code}${node}: ${issue.message}\n`;
}

export async function exportCommand(args: string[]): Promise<number> {
  let file: string;
  let out: string | undefined;
  let options: AslExportOptions;
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        target: { type: 'string' },
        out: { type: 'string' },
        option: { type: 'string', multiple: true },
      },
    });
    if (positionals.length !== 1 || positionals[0] === undefined) {
      throw new UsageError('export takes exactly one workflow file');
    }
    file = positionals[0];
    if (values.target === undefined) throw new UsageError('export needs --target asl');
    if (values.target !== 'asl') {
      throw new UsageError(`unknown export target "${values.target}" (known: asl)`);
    }
    out = values.out;
    options = parseOptions(values.option ?? []);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (
      error instanceof UsageError ||
      (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_'))
    ) {
      process.stderr.write(`weft: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }

  const read = readJsonFile(file);
  if (!read.ok) {
    process.stderr.write(`weft: ${read.message}\n`);
    return 2;
  }
  const compiled = compileWorkflow(read.value as unknown as WorkflowDefinition);
  if (!compiled.ok) {
    const errors = compiled.errors.map((d) => ({
      ...(d.node !== undefined ? { node: d.node } : {}),
      path: d.path,
      code: d.code,
      message: d.message,
    }));
    process.stdout.write(`${JSON.stringify({ exported: false, problems: errors }, null, 2)}\n`);
    for (const e of errors) process.stderr.write(describe(file, e, 'error'));
    process.stderr.write(`weft: ${file} is not a valid workflow; nothing was exported\n`);
    return 2;
  }

  const result = exportToAsl(compiled.workflow.definition, options);
  for (const w of result.warnings) process.stderr.write(describe(file, w, 'warning'));
  if (!result.ok) {
    process.stdout.write(
      `${JSON.stringify({ exported: false, problems: result.problems, warnings: result.warnings }, null, 2)}\n`,
    );
    for (const p of result.problems) process.stderr.write(describe(file, p, 'error'));
    process.stderr.write(`weft: ${file} cannot be expressed in Amazon States Language\n`);
    return 2;
  }
  const text = `${JSON.stringify(result.machine, null, 2)}\n`;
  if (out === undefined) {
    process.stdout.write(text);
    return 0;
  }
  try {
    writeFileSync(out, text);
  } catch (error) {
    process.stderr.write(
      `weft: cannot write ${out}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
  process.stderr.write(`weft: wrote ${out}\n`);
  return 0;
}
