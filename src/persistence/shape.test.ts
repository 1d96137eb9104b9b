import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkDefinitionShape, MAX_JSON_DEPTH, MAX_NODES, parseJsonText } from './shape.ts';

const valid = {
  format: 'weft/v1',
  id: 'x',
  name: 'X',
  nodes: [{ id: 'start', kind: 'trigger', position: { x: 1, y: 2 } }],
  edges: [],
};

describe('parseJsonText', () => {
  it('parses JSON and refuses anything else with the parser message', () => {
    expect(parseJsonText('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    const broken = parseJsonText('{"a": ');
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.message).toMatch(/^The file is not valid JSON/);
  });

  it('refuses text over the size cap before parsing it', () => {
    const outcome = parseJsonText(`"${'x'.repeat(2000)}"`, 1000);
    expect(outcome).toEqual({
      ok: false,
      message: 'The file is too large (2.0 KB); the limit is 1000 bytes.',
    });
  });

  it('refuses deep nesting with a clear message instead of overflowing later', () => {
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    expect(parseJsonText(deep)).toEqual({
      ok: false,
      message: `The file is nested more than ${MAX_JSON_DEPTH} levels deep.`,
    });
    const fine = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(parseJsonText(fine).ok).toBe(true);
  });

  it('keeps __proto__ as an own data property and pollutes nothing', () => {
    const outcome = parseJsonText('{"__proto__": {"polluted": true}, "constructor": 1}');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const value = outcome.value as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('checkDefinitionShape', () => {
  it('accepts a definition shaped like weft/v1', () => {
    expect(checkDefinitionShape(valid)).toEqual([]);
  });

  it('names the path of each problem', () => {
    const problems = checkDefinitionShape({
      ...valid,
      format: 'other',
      nodes: [{ id: 3, kind: 'trigger' }, 'node'],
      edges: [{ source: 'a' }],
    });
    expect(problems.map((p) => p.path)).toEqual(['/format', '/nodes/0/id', '/nodes/1', '/edges/0']);
  });

  it('refuses more nodes than the editor can handle, with a count', () => {
    const nodes = Array.from({ length: MAX_NODES + 1 }, (_, i) => ({
      id: `n${i}`,
      kind: 'transform',
    }));
    expect(checkDefinitionShape({ ...valid, nodes })).toEqual([
      {
        path: '/nodes',
        message: `The workflow has ${MAX_NODES + 1} nodes; the limit is ${MAX_NODES}.`,
      },
    ]);
  });

  it('refuses non-objects and inherited fields', () => {
    expect(checkDefinitionShape([valid])).toEqual([
      { path: '', message: 'A workflow definition must be a JSON object.' },
    ]);
    const inherits = Object.create(valid) as object;
    expect(checkDefinitionShape(inherits).map((p) => p.path)).toContain('/format');
  });
});

describe('hostile input (fuzzed)', () => {
  it('never throws on arbitrary text, and passes only definition-shaped values', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const outcome = parseJsonText(text);
          if (outcome.ok) {
            const value = outcome.value as Record<string, unknown> | null;
            if (checkDefinitionShape(value).length === 0) {
              // Only a definition-shaped value passes.
              expect(value?.format).toBe('weft/v1');
              expect(Array.isArray(value?.nodes) && Array.isArray(value?.edges)).toBe(true);
            }
          } else {
            expect(outcome.message.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on mutated definitions, and every problem names a JSON Pointer', () => {
    const base = {
      format: 'weft/v1',
      id: 'x',
      name: 'X',
      input: { samples: [{ name: 's', data: 1 }] },
      nodes: [
        { id: 'start', kind: 'trigger', position: { x: 0, y: 0 } },
        { id: 'a', kind: 'transform', config: { expression: '$' } },
      ],
      edges: [{ source: 'start', target: 'a' }],
    };
    const paths = [
      [],
      ['format'],
      ['id'],
      ['input'],
      ['input', 'samples'],
      ['input', 'samples', 0],
      ['nodes'],
      ['nodes', 0],
      ['nodes', 1, 'config'],
      ['nodes', 0, 'position'],
      ['edges'],
      ['edges', 0],
      ['__proto__'],
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, replacement) => {
        const value = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
        let target: Record<string | number, unknown> = value;
        let mutated: unknown = replacement;
        if (path.length > 0) {
          for (const step of path.slice(0, -1)) {
            target = target[step] as Record<string | number, unknown>;
          }
          Object.defineProperty(target, path[path.length - 1]!, {
            value: replacement,
            enumerable: true,
            writable: true,
            configurable: true,
          });
          mutated = value;
        }
        const problems = checkDefinitionShape(mutated);
        for (const problem of problems) expect(problem.path).toMatch(/^(\/[^/]*)*$/);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});
