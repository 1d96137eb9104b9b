import { describe, expect, it } from 'vitest';
import { formatJson, parseJsonText } from './JsonField.tsx';

describe('JSON field text', () => {
  it('parses JSON and reports where it breaks', () => {
    expect(parseJsonText('{"amount": 120}', false)).toEqual({ ok: true, value: { amount: 120 } });
    const broken = parseJsonText('{"amount": 12', false);
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.message).toMatch(/JSON|position|Expected/i);
  });

  it('treats empty text as no value only where that is allowed', () => {
    expect(parseJsonText('  ', true)).toEqual({ ok: true, value: undefined });
    expect(parseJsonText('', false)).toEqual({ ok: false, message: 'Enter a JSON value.' });
  });

  it('keeps __proto__ as a plain key', () => {
    const parsed = parseJsonText('{"__proto__": {"polluted": true}}', false);
    expect(parsed.ok && Object.keys(parsed.value as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('formats values as indented JSON and nothing as empty text', () => {
    expect(formatJson({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(formatJson(undefined)).toBe('');
  });
});
