// JSONata syntax colouring for CodeMirror 6: a small stream tokenizer rather
// than a Lezer grammar. Colouring only needs tokens; the parse itself (and its
// error positions) comes from the engine's compile diagnostics, so the editor
// never disagrees with the engine about what is valid.
import { StreamLanguage, type StreamParser, type StringStream } from '@codemirror/language';

export interface JsonataTokenState {
  /** Inside a `/* … *\/` comment that spans lines. */
  inComment: boolean;
  /**
   * Whether the previous token ends a value. Decides what `/` means: after a
   * value it divides, elsewhere it opens a regular expression (`$match(s, /a+/i)`).
   */
  afterValue: boolean;
}

const KEYWORDS = new Set(['and', 'or', 'in', 'function']);
const ATOMS = new Set(['true', 'false', 'null']);
// Longest first, so `:=` is not read as `:` then `=`.
const OPERATOR = /^(?::=|~>|\.\.|!=|<=|>=|\?\?|\?:|[-+*/%&=<>!?:.^|#@~])/;
const NUMBER = /^\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/;
const NAME = /^[\p{L}_][\p{L}\p{N}_]*/u;

function readQuoted(stream: StringStream, quote: string): void {
  let escaped = false;
  for (let ch = stream.next(); ch !== undefined; ch = stream.next()) {
    if (!escaped && ch === quote) return;
    escaped = !escaped && ch === '\\';
  }
}

function readComment(stream: StringStream, state: JsonataTokenState): string {
  state.inComment = !stream.skipTo('*/');
  if (state.inComment) stream.skipToEnd();
  else stream.pos += 2;
  return 'comment';
}

function readToken(stream: StringStream, state: JsonataTokenState): string | null {
  if (stream.match('/*')) return readComment(stream, state);
  const ch = stream.peek();
  if (ch === '"' || ch === "'") {
    stream.next();
    readQuoted(stream, ch);
    state.afterValue = true;
    return 'string';
  }
  if (ch === '`') {
    stream.next();
    readQuoted(stream, '`');
    state.afterValue = true;
    return 'propertyName';
  }
  if (stream.match(NUMBER)) {
    state.afterValue = true;
    return 'number';
  }
  if (ch === '$') {
    stream.next();
    if (!stream.eat('$')) stream.match(NAME);
    state.afterValue = true;
    return 'variableName.special';
  }
  if (ch === '/' && !state.afterValue) {
    stream.next();
    readQuoted(stream, '/');
    stream.match(/^[im]*/);
    state.afterValue = true;
    return 'regexp';
  }
  const name = stream.match(NAME);
  if (name && typeof name === 'object') {
    const word = name[0];
    if (KEYWORDS.has(word)) {
      state.afterValue = false;
      return 'keyword';
    }
    state.afterValue = true;
    return ATOMS.has(word) ? 'atom' : 'propertyName';
  }
  if (ch === 'λ') {
    stream.next();
    state.afterValue = false;
    return 'keyword';
  }
  if (stream.match(OPERATOR)) {
    state.afterValue = false;
    return 'operator';
  }
  const next = stream.next();
  if (next === ')' || next === ']' || next === '}') {
    state.afterValue = true;
    return 'bracket';
  }
  state.afterValue = false;
  if (next === '(' || next === '[' || next === '{') return 'bracket';
  if (next === ',' || next === ';') return 'punctuation';
  return 'invalid';
}

export const jsonataStreamParser: StreamParser<JsonataTokenState> = {
  name: 'jsonata',
  startState: () => ({ inComment: false, afterValue: false }),
  copyState: (state) => ({ ...state }),
  token(stream, state) {
    if (state.inComment) return readComment(stream, state);
    if (stream.eatSpace()) return null;
    return readToken(stream, state);
  },
  languageData: {
    commentTokens: { block: { open: '/*', close: '*/' } },
    closeBrackets: { brackets: ['(', '[', '{', '"', "'", '`'] },
  },
};

export const jsonataLanguage = StreamLanguage.define(jsonataStreamParser);
