import { StringStream } from '@codemirror/language';
import { describe, expect, it } from 'vitest';
import { jsonataStreamParser } from './jsonataLanguage.ts';

/** Tokenizes lines as CodeMirror would, returning [text, style] pairs (spaces dropped). */
function tokenize(source: string): Array<[string, string | null]> {
  const parser = jsonataStreamParser;
  const state = parser.startState!(2);
  const tokens: Array<[string, string | null]> = [];
  for (const line of source.split('\n')) {
    const stream = new StringStream(line, 4, 2);
    while (!stream.eol()) {
      stream.start = stream.pos;
      const style = parser.token(stream, state);
      const text = line.slice(stream.start, stream.pos);
      if (text.trim() !== '') tokens.push([text, style]);
    }
  }
  return tokens;
}

describe('JSONata colouring', () => {
  it('tells strings, numbers, variables, keywords and operators apart', () => {
    expect(tokenize('$sum(items.price) > 1000 and status = "open"')).toEqual([
      ['$sum', 'variableName.special'],
      ['(', 'bracket'],
      ['items', 'propertyName'],
      ['.', 'operator'],
      ['price', 'propertyName'],
      [')', 'bracket'],
      ['>', 'operator'],
      ['1000', 'number'],
      ['and', 'keyword'],
      ['status', 'propertyName'],
      ['=', 'operator'],
      ['"open"', 'string'],
    ]);
  });

  it('reads escaped quotes inside strings and multi-character operators whole', () => {
    expect(tokenize(`$x := 'it\\'s' ~> $uppercase()`)).toEqual([
      ['$x', 'variableName.special'],
      [':=', 'operator'],
      [`'it\\'s'`, 'string'],
      ['~>', 'operator'],
      ['$uppercase', 'variableName.special'],
      ['(', 'bracket'],
      [')', 'bracket'],
    ]);
  });

  it('reads a slash after a value as division and elsewhere as a regular expression', () => {
    expect(tokenize('total / 2')).toContainEqual(['/', 'operator']);
    expect(tokenize('$match(name, /ab+c/i)')).toContainEqual(['/ab+c/i', 'regexp']);
  });

  it('colours a comment that spans lines to its end, then goes on', () => {
    expect(tokenize('/* first\nsecond */ true')).toEqual([
      ['/* first', 'comment'],
      ['second */', 'comment'],
      ['true', 'atom'],
    ]);
  });

  it('treats $, $$ and $nodes paths as variables', () => {
    expect(tokenize('$$.a & $nodes.check')).toEqual([
      ['$$', 'variableName.special'],
      ['.', 'operator'],
      ['a', 'propertyName'],
      ['&', 'operator'],
      ['$nodes', 'variableName.special'],
      ['.', 'operator'],
      ['check', 'propertyName'],
    ]);
  });
});
