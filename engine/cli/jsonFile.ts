// Reads the JSON files the CLI is given (definitions, inputs, decisions). Files
// come from strangers, so they are parsed with JSON.parse only, and checked
// first: a size cap before reading, and a syntax scan that finds the exact spot
// of a mistake (V8's own messages often omit it) and refuses nesting deep enough
// to overflow the stack of whatever walks the value later (ajv, JSONata, clone).
import { readFileSync, statSync } from 'node:fs';
import type { Json } from '../types.ts';

export const MAX_JSON_FILE_BYTES = 16 * 1024 * 1024;
export const MAX_JSON_DEPTH = 512;

export type JsonFileResult = { ok: true; value: Json } | { ok: false; message: string };

export function readJsonFile(path: string): JsonFileResult {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_JSON_FILE_BYTES) {
      return {
        ok: false,
        message: `${path} is ${megabytes(size)}; files up to ${megabytes(MAX_JSON_FILE_BYTES)} are accepted`,
      };
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, message: `cannot read ${path}: ${describeFsError(error)}` };
  }
  return parseJsonText(text, path);
}

export function parseJsonText(raw: string, name: string): JsonFileResult {
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  const problem = findJsonProblem(text, MAX_JSON_DEPTH);
  if (problem) {
    const { line, column } = lineAndColumn(text, problem.position);
    return {
      ok: false,
      message: `${name} is not valid JSON: ${problem.reason} at line ${line}, column ${column} (position ${problem.position})`,
    };
  }
  return { ok: true, value: JSON.parse(text) as Json };
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

interface JsonProblem {
  position: number;
  reason: string;
}

type Expect = 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' | 'colon' | 'commaOrEnd' | 'done';

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const LITERALS = ['true', 'false', 'null'] as const;

/**
 * Scans JSON text without building values: null when JSON.parse will accept
 * it and nesting stays within `maxDepth`, else where and why it goes wrong.
 * Iterative, so hostile nesting cannot overflow the stack here either.
 */
export function findJsonProblem(text: string, maxDepth: number): JsonProblem | null {
  const stack: ('{' | '[')[] = [];
  // Widened on purpose: the helpers below change it, which flow analysis cannot see.
  let expect = 'value' as Expect;
  let i = 0;
  const afterValue = (): void => {
    expect = stack.length > 0 ? 'commaOrEnd' : 'done';
  };
  const open = (bracket: '{' | '['): JsonProblem | null => {
    stack.push(bracket);
    if (stack.length > maxDepth) {
      return { position: i, reason: `nesting deeper than ${maxDepth} levels` };
    }
    expect = bracket === '{' ? 'keyOrEnd' : 'valueOrEnd';
    i++;
    return null;
  };

  for (;;) {
    while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
    if (i >= text.length) {
      return expect === 'done' ? null : { position: i, reason: 'unexpected end of the file' };
    }
    const c = text[i] as string;
    switch (expect) {
      case 'value':
      case 'valueOrEnd': {
        if (c === ']' && expect === 'valueOrEnd') {
          stack.pop();
          i++;
          afterValue();
          break;
        }
        if (c === '{' || c === '[') {
          const problem = open(c);
          if (problem) return problem;
          break;
        }
        if (c === '"') {
          const end = scanString(text, i);
          if (typeof end !== 'number') return end;
          i = end;
          afterValue();
          break;
        }
        if (c === '-' || (c >= '0' && c <= '9')) {
          NUMBER.lastIndex = i;
          const match = NUMBER.exec(text);
          if (!match) return { position: i, reason: 'malformed number' };
          i += match[0].length;
          afterValue();
          break;
        }
        const literal = LITERALS.find((word) => text.startsWith(word, i));
        if (literal) {
          i += literal.length;
          afterValue();
          break;
        }
        return { position: i, reason: `unexpected ${describeChar(c)}, expected a value` };
      }
      case 'key':
      case 'keyOrEnd': {
        if (c === '}' && expect === 'keyOrEnd') {
          stack.pop();
          i++;
          afterValue();
          break;
        }
        if (c !== '"') {
          return {
            position: i,
            reason: `unexpected ${describeChar(c)}, expected a property name in double quotes`,
          };
        }
        const end = scanString(text, i);
        if (typeof end !== 'number') return end;
        i = end;
        expect = 'colon';
        break;
      }
      case 'colon':
        if (c !== ':')
          return { position: i, reason: `unexpected ${describeChar(c)}, expected ':'` };
        i++;
        expect = 'value';
        break;
      case 'commaOrEnd': {
        const close = stack[stack.length - 1] === '{' ? '}' : ']';
        if (c === ',') {
          expect = close === '}' ? 'key' : 'value';
          i++;
        } else if (c === close) {
          stack.pop();
          i++;
          afterValue();
        } else {
          return {
            position: i,
            reason: `unexpected ${describeChar(c)}, expected ',' or '${close}'`,
          };
        }
        break;
      }
      case 'done':
        return { position: i, reason: `unexpected ${describeChar(c)} after the end of the value` };
    }
  }
}

function isWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

const ESCAPES = '"\\/bfnrtu';

/** Returns the index after the closing quote of the string starting at `start`. */
function scanString(text: string, start: number): number | JsonProblem {
  let j = start + 1;
  while (j < text.length) {
    const code = text.charCodeAt(j);
    if (code === 34) return j + 1;
    if (code === 92) {
      const next = text[j + 1] ?? '';
      if (!ESCAPES.includes(next) || next === '') {
        return { position: j, reason: 'invalid escape in a string' };
      }
      if (next === 'u' && !/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) {
        return { position: j, reason: 'invalid \\u escape in a string' };
      }
      j += next === 'u' ? 6 : 2;
      continue;
    }
    if (code < 0x20) return { position: j, reason: 'control character inside a string' };
    j++;
  }
  return { position: start, reason: 'unterminated string' };
}

function describeChar(c: string): string {
  if (c === "'") return `"'"`;
  if (/^[\x21-\x7e]$/.test(c)) return `'${c}'`;
  return `character U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
