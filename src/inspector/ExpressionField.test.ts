import { describe, expect, it } from 'vitest';
import { messageForField, underlineRange } from './ExpressionField.tsx';

describe('expression field feedback', () => {
  it('drops the node and field prefix that the panel already shows', () => {
    expect(
      messageForField('Transform node "total", config/expression: unexpected end of expression'),
    ).toBe('Unexpected end of expression');
    expect(messageForField('Switch node "triage", config/cases/0/expression: Expected ")"')).toBe(
      'Expected ")"',
    );
    expect(messageForField('Sample "x" does not match')).toBe('Sample "x" does not match');
  });

  it('underlines one character at the position, kept inside the text', () => {
    expect(underlineRange(3, 10)).toEqual({ from: 3, to: 4 });
    expect(underlineRange(10, 10)).toEqual({ from: 9, to: 10 });
    expect(underlineRange(42, 10)).toEqual({ from: 9, to: 10 });
    expect(underlineRange(undefined, 10)).toEqual({ from: 0, to: 1 });
    expect(underlineRange(0, 0)).toEqual({ from: 0, to: 0 });
  });
});
