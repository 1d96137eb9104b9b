// Regular expressions through RE2 (re2js): matching time is linear in the
// input, so no pattern can backtrack catastrophically (`/(a+)+$/` on a long
// string of `a`s returns at once instead of hanging the worker).
//
// jsonata's tokenizer turns a regex literal into a JavaScript RegExp (compiling
// it, which never runs it) and hands that to `new RegexEngine(regexp)`; the
// evaluator then sets `lastIndex` and calls `exec`, like a global RegExp.

import { RE2JS } from 're2js';

/** Thrown when RE2 cannot compile a pattern; the caller turns it into EXPRESSION_ERROR. */
export class UnsupportedRegex extends Error {
  constructor(pattern: string, reason: string) {
    super(
      `the regular expression /${pattern}/ uses a feature the safe regex engine (RE2) does not support, such as backreferences (\\1) or lookaround ((?=…), (?<=…)): ${reason}`,
    );
    this.name = 'UnsupportedRegex';
  }
}

interface ExecResult extends Array<string | undefined> {
  index: number;
  input: string;
}

const compiled = new Map<string, RE2JS>();
const MAX_COMPILED = 500;

function compile(source: string, flags: string): RE2JS {
  const key = `${flags}/${source}`;
  const hit = compiled.get(key);
  if (hit !== undefined) return hit;
  let re2Flags = 0;
  if (flags.includes('i')) re2Flags |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) re2Flags |= RE2JS.MULTILINE;
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(source), re2Flags);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new UnsupportedRegex(source, reason);
  }
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(key, re);
  return re;
}

/** A RegExp look-alike over RE2, with the surface jsonata's evaluator uses. */
export class Re2RegexEngine {
  lastIndex = 0;
  readonly source: string;
  readonly flags: string;
  readonly #re: RE2JS;

  constructor(pattern: RegExp | string, flags?: string) {
    this.source = typeof pattern === 'string' ? pattern : pattern.source;
    this.flags = flags ?? (typeof pattern === 'string' ? '' : pattern.flags);
    this.#re = compile(this.source, this.flags);
  }

  exec(input: string): ExecResult | null {
    const from = this.lastIndex;
    if (from > input.length) {
      this.lastIndex = 0;
      return null;
    }
    const matcher = this.#re.matcher(input);
    if (!matcher.find(from)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [];
    for (let g = 0; g <= matcher.groupCount(); g++) {
      groups.push(matcher.group(g) ?? undefined);
    }
    const result = Object.assign(groups, { index: matcher.start(), input });
    this.lastIndex = matcher.end();
    return result;
  }

  test(input: string): boolean {
    return this.exec(input) !== null;
  }
}
