import { describe, expect, it } from 'vitest';
import type { Json } from '../types.ts';
import { ExpressionFailure, type EvalScope, type ExpressionProblem } from './api.ts';
import {
  EXPRESSION_CACHE_CAPACITY,
  clearExpressionCache,
  compileExpression,
  expressionCacheSize,
} from './index.ts';

const scope: EvalScope = {
  input: { customer: 'Ada', limit: 100 },
  nodes: { fetch: { body: { total: 42 } }, score: 7 },
  now: Date.UTC(2024, 0, 2, 3, 4, 5),
  random: () => 0.25,
};

async function run(source: string, input: Json = null, s: EvalScope = scope) {
  const compiled = compileExpression(source);
  if (!compiled.ok) throw new Error(`did not compile: ${compiled.problem.message}`);
  return compiled.expression.evaluate(input, s);
}

function compileProblem(source: string): ExpressionProblem {
  const compiled = compileExpression(source);
  if (compiled.ok) throw new Error(`compiled unexpectedly: ${source}`);
  return compiled.problem;
}

async function runProblem(source: string, input: Json = null): Promise<ExpressionProblem> {
  try {
    await run(source, input);
  } catch (err) {
    if (err instanceof ExpressionFailure) return err.problem;
    throw err;
  }
  throw new Error(`evaluated unexpectedly: ${source}`);
}

describe('compileExpression: evaluation', () => {
  it('evaluates against $ with $input and $nodes bound', async () => {
    expect(await run('amount * 2', { amount: 21 })).toBe(42);
    expect(await run('$input.customer & " " & $string($nodes.fetch.body.total)')).toBe('Ada 42');
    expect(await run('$nodes.score + 1')).toBe(8);
  });

  it('uses the run clock and the run random generator', async () => {
    expect(await run('$millis()')).toBe(scope.now);
    expect(await run('$now()')).toBe('2024-01-02T03:04:05.000Z');
    expect(await run('$now("[Y0001]-[M01]-[D01]")')).toBe('2024-01-02');
    expect(await run('$random()')).toBe(0.25);
  });

  it('returns undefined when JSONata yields nothing', async () => {
    expect(await run('missing', { present: 1 })).toBeUndefined();
  });

  it('treats an array input as one value, as JSONata does', async () => {
    expect(await run('$', [1, 2, 3])).toEqual([1, 2, 3]);
    expect(await run('$count($)', [1, 2, 3])).toBe(3);
  });

  it('runs the same compiled expression concurrently without mixing scopes', async () => {
    const compiled = compileExpression('$input.n * 10');
    if (!compiled.ok) throw new Error('did not compile');
    const results = await Promise.all(
      [1, 2, 3].map((n) => compiled.expression.evaluate(null, { ...scope, input: { n } })),
    );
    expect(results).toEqual([10, 20, 30]);
  });
});

describe('compileExpression: syntax errors', () => {
  it.each([
    ['a +', 3, 'end of the text'],
    ['a + )', 4, 'the stray )'],
    ['foo bar', 4, 'the second name'],
    ['"abc', 0, 'the opening quote of an unterminated string'],
    ['x & `abc', 4, 'the opening backquote of an unterminated name'],
    ['[1, 2', 5, 'end of the text'],
    ['a}', 1, 'the stray }'],
    ['a /* note', 2, 'the opening of an unterminated comment'],
    ['$match(a, /abc', 10, 'the opening slash of an unterminated regex'],
    ["'it''s'", 4, 'the opening quote of the unexpected second string'],
    ['a `b c`', 2, 'the opening backquote of the unexpected quoted name'],
    ['$sum(1) $max(2)', 8, 'the $ of the unexpected name'],
  ])('%j fails with the offset of %s (%s)', (source, position) => {
    const problem = compileProblem(source);
    expect(problem.code).toBe('EXPRESSION_SYNTAX');
    expect(problem.position).toBe(position);
    expect(problem.message.length).toBeGreaterThan(0);
  });
});

describe('compileExpression: pathological text', () => {
  it('reports nesting too deep to parse as a syntax problem, without throwing', () => {
    const problem = compileProblem(`${'('.repeat(100_000)}1${')'.repeat(100_000)}`);
    expect(problem.code).toBe('EXPRESSION_SYNTAX');
    expect(problem.message).toMatch(/nested too deeply/);
  });

  it('compiles and runs long flat expressions', async () => {
    expect(await run(Array.from({ length: 2_000 }, () => '1').join(' + '))).toBe(2_000);
  });

  it('compiles a flat expression too long to walk recursively, and its references', async () => {
    const source = Array.from({ length: 4500 }, (_, i) => `$nodes.n${i % 3}`).join(' + ');
    const compiled = compileExpression(source);
    if (!compiled.ok) throw new Error(compiled.problem.message);
    expect(compiled.expression.nodeRefs).toEqual(['n0', 'n1', 'n2']);
    const s: EvalScope = { ...scope, nodes: { n0: 1, n1: 1, n2: 1 } };
    let outcome: unknown;
    try {
      outcome = await compiled.expression.evaluate(null, s);
    } catch (error) {
      // Evaluating a tree that deep may meet the stack limit: reported, not thrown raw.
      outcome = error instanceof ExpressionFailure ? error.problem.code : error;
    }
    expect([4500, 'LIMIT_EXCEEDED']).toContain(outcome);
  });
});

describe('compileExpression: JSONata 2.0.6 and $eval', () => {
  it.each(['a ?? b', 'x ?: "none"'])('refuses %j, which 2.0.6 cannot parse', (source) => {
    const problem = compileProblem(source);
    expect(problem.code).toBe('EXPRESSION_UNSUPPORTED');
    expect(problem.message).toMatch(/2\.0\.6/);
    expect(problem.position).toBe(source.indexOf('?'));
  });

  it.each(['$eval("1 + 1")', '$map(["1"], $eval)', '($e := $eval; $e("2"))'])(
    'refuses %j: $eval in any position',
    (source) => {
      const problem = compileProblem(source);
      expect(problem.code).toBe('EXPRESSION_UNSUPPORTED');
      expect(problem.message).toMatch(/\$eval/);
      expect(problem.position).toBe(source.indexOf('$eval'));
    },
  );

  it('accepts what 2.0.6 accepts', () => {
    expect(compileExpression('a ? b : c').ok).toBe(true);
    expect(compileExpression('$exists(a) ? a : b').ok).toBe(true);
  });
});

describe('compileExpression: $nodes references', () => {
  it('collects each node named as $nodes.<id>, once', () => {
    const compiled = compileExpression(
      '$nodes.fetch.body.total + $nodes.score + $count($nodes.fetch.items[0]) + $nodes.`odd id`',
    );
    if (!compiled.ok) throw new Error(compiled.problem.message);
    expect([...compiled.expression.nodeRefs].sort()).toEqual(['fetch', 'odd id', 'score']);
  });

  it('gives the offset of every occurrence, in source order', () => {
    const source = '$nodes.b.x + $nodes.a + ($nodes.b)';
    const compiled = compileExpression(source);
    if (!compiled.ok) throw new Error(compiled.problem.message);
    expect(compiled.expression.nodeRefSites).toEqual([
      { node: 'b', position: 0 },
      { node: 'a', position: 13 },
      { node: 'b', position: 25 },
    ]);
  });

  it('finds references inside functions, predicates and object constructors', () => {
    const compiled = compileExpression(
      'items[price > $nodes.limits.max].{ "n": $nodes.names.first, "f": function($x){ $nodes.deep.v } }',
    );
    if (!compiled.ok) throw new Error(compiled.problem.message);
    expect([...compiled.expression.nodeRefs].sort()).toEqual(['deep', 'limits', 'names']);
  });

  it('has no references when $nodes is not used', () => {
    const compiled = compileExpression('nodes.fetch + $input.nodes');
    if (!compiled.ok) throw new Error(compiled.problem.message);
    expect(compiled.expression.nodeRefs).toEqual([]);
  });

  it.each([
    ['$nodes', 0],
    ['$nodes[0]', 0],
    ['$lookup($nodes, "fetch")', 8],
    ['$keys($nodes)', 6],
    ['$nodes.*', 0],
    ['$nodes.($x)', 0],
    ['$nodes#$i.fetch', 0],
  ])('refuses dynamic access %j and says to name the node', (source, position) => {
    const problem = compileProblem(source);
    expect(problem.code).toBe('EXPRESSION_UNSUPPORTED');
    expect(problem.message).toContain('$nodes.<id>');
    expect(problem.position).toBe(position);
  });

  it('refuses rebinding $nodes, which would make references meaningless', () => {
    expect(compileProblem('($nodes := {"a": 1}; $nodes.a)').code).toBe('EXPRESSION_UNSUPPORTED');
    expect(compileProblem('function($nodes){ $nodes.a }').code).toBe('EXPRESSION_UNSUPPORTED');
  });
});

describe('compileExpression: cache', () => {
  it('returns the same compiled expression for the same text', () => {
    const first = compileExpression('a + b + 1');
    const second = compileExpression('a + b + 1');
    expect(second).toBe(first);
  });

  it('caches failures too, and stays bounded', () => {
    clearExpressionCache();
    const failing = compileExpression('a +');
    expect(compileExpression('a +')).toBe(failing);
    for (let i = 0; i < EXPRESSION_CACHE_CAPACITY + 50; i++) compileExpression(`${i} + 1`);
    expect(expressionCacheSize()).toBe(EXPRESSION_CACHE_CAPACITY);
    // The oldest entry was evicted, so compiling it again builds a new result.
    expect(compileExpression('a +')).not.toBe(failing);
  });

  it('keeps recently used entries over older ones', () => {
    clearExpressionCache();
    const kept = compileExpression('kept + 1');
    for (let i = 0; i < EXPRESSION_CACHE_CAPACITY - 1; i++) {
      compileExpression(`${i} * 2`);
      if (i % 100 === 0) compileExpression('kept + 1');
    }
    compileExpression('one more');
    compileExpression('and another');
    expect(compileExpression('kept + 1')).toBe(kept);
  });
});

describe('evaluate: runtime errors', () => {
  it('throws ExpressionFailure with EXPRESSION_ERROR, a message and the offending offset', async () => {
    const problem = await runProblem('$sum(a)', { a: ['x'] });
    expect(problem.code).toBe('EXPRESSION_ERROR');
    expect(problem.message).toMatch(/sum/);
    expect(problem.position).toBe(0);
  });

  it('points at the operator whose operand is wrong', async () => {
    const problem = await runProblem('a + "x"', { a: 1 });
    expect(problem.code).toBe('EXPRESSION_ERROR');
    expect(problem.position).toBe(2);
  });

  it('rejects a Promise for interpreter-path expressions (never throws synchronously)', async () => {
    const compiled = compileExpression('$number("abc")');
    if (!compiled.ok) throw new Error('did not compile');
    const pending = compiled.expression.evaluate(null, scope);
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).rejects.toBeInstanceOf(ExpressionFailure);
  });
});

describe('evaluate: guards', () => {
  it('stops an endless loop at the step budget with LIMIT_EXCEEDED', async () => {
    const problem = await runProblem('($f := function($x){ $f($x) }; $f(1))');
    expect(problem.code).toBe('LIMIT_EXCEEDED');
    // The step budget trips first; on a badly overloaded machine the
    // wall-clock backstop may, and both messages name the likely cause.
    expect(problem.message).toMatch(/infinite loop/);
  });

  it('stops deep recursion at the depth limit with LIMIT_EXCEEDED', async () => {
    const problem = await runProblem(
      '($f := function($n){ $n <= 0 ? 0 : 1 + $f($n - 1) }; $f(100000))',
    );
    expect(problem.code).toBe('LIMIT_EXCEEDED');
    expect(problem.message).toMatch(/nested deeper/);
  });

  it('allows ordinary recursion', async () => {
    expect(await run('($f := function($n){ $n <= 0 ? 0 : 1 + $f($n - 1) }; $f(200))')).toBe(200);
  });

  it('refuses sequences past a million items', async () => {
    expect(await run('$count([1..1000000])')).toBe(1_000_000);
    expect((await runProblem('[1..1000001]')).code).toBe('LIMIT_EXCEEDED');
    expect((await runProblem('[1..1e9]')).code).toBe('LIMIT_EXCEEDED');
  });

  it('refuses strings past ten million characters', async () => {
    expect((await runProblem("$pad('', 1e9)")).code).toBe('LIMIT_EXCEEDED');
    expect((await runProblem("$reduce([1..40], function($a, $b){ $a & $a }, 'x')")).code).toBe(
      'LIMIT_EXCEEDED',
    );
    expect(await run("$length($pad('', 1000))")).toBe(1000);
    expect(await run("$pad('ab', -4, '#')")).toBe('##ab');
  });

  it('refuses $string and $join on values that would serialise past the cap', async () => {
    const blowUp = '$reduce([1..19], function($a, $b){ [$a, $a] }, ["0123456789012345678901"])';
    expect((await runProblem(`$string(${blowUp})`)).code).toBe('LIMIT_EXCEEDED');
    expect((await runProblem(`$join(${blowUp})`)).code).toBe('LIMIT_EXCEEDED');
    expect(await run('$join(["a", "b"], "-")')).toBe('a-b');
    expect(await run('$string({"a": [1, 2]})')).toBe('{"a":[1,2]}');
  });
});

describe('evaluate: guarded built-ins behave like the originals', () => {
  it.each([
    ['($p := $pad(?, 5, "#"); $p("a"))', 'a####'],
    ['($s := $string(?); $s(12))', '12'],
    ['($j := $join(?, ","); $j(["a", "b"]))', 'a,b'],
    ['["a", "b"] ~> $join("-")', 'a-b'],
    ['$map([1, 2], $string)', ['1', '2']],
    ['$map(["a", "b"], $pad(?, 2, "."))', ['a.', 'b.']],
    ['$filter(["a", "", "b"], $string)', ['a', 'b']],
    ['$string({"a": 1}, true)', '{\n  "a": 1\n}'],
    ['$split("a,b", ",")', ['a', 'b']],
    ['$distinct([1, 2, 1, "x", "x"])', [1, 2, 'x']],
    ['$clone({"a": [1, {"b": 2}]})', { a: [1, { b: 2 }] }],
    ['($n := $now(?); $n("[Y0001]"))', '2024'],
  ])('%j gives %j', async (source, expected) => {
    expect(await run(source)).toEqual(expected);
  });

  it('de-duplicates long lists of scalars in linear time, in order', async () => {
    expect(await run('$count($distinct([1..20000].($ % 7)))')).toBe(7);
    expect(await run('$distinct([1..20000].($ % 3))')).toEqual([1, 2, 0]);
  });

  it('refuses a quadratic $distinct over many objects', async () => {
    const problem = await runProblem('$distinct([1..20000].{"v": $})');
    expect(problem.code).toBe('LIMIT_EXCEEDED');
    expect(problem.message).toMatch(/\$distinct/);
  });
});

describe('evaluate: regular expressions run on RE2', () => {
  it('matches, replaces, splits and tests like JSONata', async () => {
    expect(await run("$match('abcabc', /(b)c/)")).toEqual([
      { match: 'bc', index: 1, groups: ['b'] },
      { match: 'bc', index: 4, groups: ['b'] },
    ]);
    expect(await run("$replace('abcabc', /b(c)/, 'X$1')")).toBe('aXcaXc');
    expect(await run("$split('a1b22c', /[0-9]+/)")).toEqual(['a', 'b', 'c']);
    expect(await run("$contains('xAy', /a/i)")).toBe(true);
    expect(await run("$match('😀ab', /b/).index")).toBe(3);
    expect(await run("$replace('one\\ntwo', /^t/m, 'T')")).toBe('one\nTwo');
  });

  it('answers a catastrophic-backtracking pattern at once', async () => {
    expect(await run("$match('" + 'a'.repeat(40) + "!', /(a+)+$/)")).toBeUndefined();
  });

  it('refuses backreferences and lookaround with EXPRESSION_ERROR saying why', async () => {
    for (const source of ["$match('aa', /(a)\\1/)", "$contains('ab', /a(?=b)/)"]) {
      const problem = await runProblem(source);
      expect(problem.code).toBe('EXPRESSION_ERROR');
      expect(problem.message).toMatch(/RE2/);
    }
  });
});

describe('evaluate: results are plain JSON', () => {
  it('strips sequence flags so results clone and stringify cleanly', async () => {
    const result = await run('items.price', { items: [{ price: 1 }, { price: 2 }] });
    expect(result).toEqual([1, 2]);
    expect(Object.keys(result as object)).toEqual(['0', '1']);
    expect(structuredClone(result)).toEqual([1, 2]);
  });

  it('returns objects with the ordinary prototype', async () => {
    const result = await run('{ "a": 1, "b": [{ "c": 2 }] }');
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(JSON.stringify(result)).toBe('{"a":1,"b":[{"c":2}]}');
  });

  it.each([
    ['function($x){ $x }', /function/],
    ['{ "f": $uppercase }', /function/],
    ['1/0', /Infinity/],
    ['-1/0', /Infinity/],
  ])('refuses %j with "result is not JSON"', async (source, reason) => {
    const problem = await runProblem(source);
    expect(problem.code).toBe('EXPRESSION_ERROR');
    expect(problem.message).toMatch(/^result is not JSON: /);
    expect(problem.message).toMatch(reason);
  });

  it('refuses results nested deeper than 100 levels', async () => {
    const problem = await runProblem('$reduce([1..150], function($acc, $i){ { "n": $acc } }, 0)');
    expect(problem.message).toMatch(/^result is not JSON: .*deeper/);
  });

  it('keeps data keys named __proto__ and constructor as plain data', async () => {
    const input = JSON.parse('{"__proto__": {"x": 1}, "constructor": 2}') as Json;
    const merged = await run('$merge([$, {"b": 3}])', input);
    expect(JSON.stringify(merged)).toBe('{"__proto__":{"x":1},"constructor":2,"b":3}');
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    const transformed = await run('$ ~> |$|{"__proto__": {"y": 2}}|', {});
    expect(JSON.stringify(transformed)).toBe('{"__proto__":{"y":2}}');
    expect(Object.getPrototypeOf(transformed)).toBe(Object.prototype);
  });
});

describe('evaluate: fast path', () => {
  it('answers simple expressions synchronously, with the same values', () => {
    const compiled = compileExpression('$nodes.fetch.body.total + $nodes.score * 2');
    if (!compiled.ok) throw new Error(compiled.problem.message);
    expect(compiled.expression.fast).toBe(true);
    expect(compiled.expression.nodeRefs).toEqual(['fetch', 'score']);
    expect(compiled.expression.evaluate(null, scope)).toBe(56);
  });

  it('leaves what needs the guards (bindings, nested lambdas, regexes, ranges) to the interpreter', () => {
    for (const source of [
      '($f := function($x){ $f($x) }; $f(1))',
      '$map(a, function($x){ $map(a, function($y){ $y }) })',
      '$string([$string([$string([a])])])',
      'items[tags[$ in $$.allowed]]',
      '$match(a, /x/)',
      '[1..1000000]',
    ]) {
      const compiled = compileExpression(source);
      if (!compiled.ok) throw new Error(compiled.problem.message);
      expect(compiled.expression.fast).toBe(false);
    }
  });

  it('keeps one level of filtering against the whole input on the fast path', () => {
    for (const source of ['items[price > $$.limit]', 'items[tags[0] = "x"].name']) {
      const compiled = compileExpression(source);
      if (!compiled.ok) throw new Error(compiled.problem.message);
      expect(compiled.expression.fast).toBe(true);
    }
  });

  it('hands errors to jsonata, so messages and offsets are the interpreter ones', async () => {
    const compiled = compileExpression('a + "x"');
    if (!compiled.ok) throw new Error(compiled.problem.message);
    expect(compiled.expression.fast).toBe(true);
    await expect(compiled.expression.evaluate({ a: 1 }, scope)).rejects.toMatchObject({
      problem: { code: 'EXPRESSION_ERROR', position: 2 },
    });
  });

  it('returns plain arrays without sequence marks', () => {
    const compiled = compileExpression('items.price');
    if (!compiled.ok) throw new Error(compiled.problem.message);
    const result = compiled.expression.evaluate({ items: [{ price: 1 }, { price: 2 }] }, scope);
    expect(result).toEqual([1, 2]);
    expect(Object.keys(result as object)).toEqual(['0', '1']);
  });

  it('refuses non-finite numbers with "result is not JSON"', () => {
    const compiled = compileExpression('{"ratio": a / b}');
    if (!compiled.ok) throw new Error(compiled.problem.message);
    expect(() => compiled.expression.evaluate({ a: 1, b: 0 }, scope)).toThrow(
      /^result is not JSON: Infinity/,
    );
  });
});

describe('compileExpression: bound to a run', () => {
  // The runner binds `$nodes.<id>` to positions and reads `scope.output`; the
  // answers must be the ones `$nodes` by id gives, on the fast path and off it.
  const outputs: Json[] = [
    { items: [{ price: 3 }, { price: 5 }], name: 'ada' },
    [1, [2, 3], { v: 4 }],
    7,
  ];
  const ids = ['order', 'list', 'n'];
  const byId: EvalScope = {
    ...scope,
    nodes: Object.fromEntries(ids.map((id, i) => [id, outputs[i] as Json])),
  };
  const atPositions: EvalScope = { ...scope, nodes: {}, output: (k) => outputs[k] };

  it.each([
    '$nodes.order.items.price',
    '$nodes.order.items[0]',
    '$nodes.order.items[price > 4].price',
    '$nodes.list',
    '$nodes.list[1]',
    '$nodes.list.v',
    '$nodes.n * 2 + $nodes.order.items[1].price',
    '$nodes.missing',
    '$map($nodes.order.items, function($i) { $i.price * $nodes.n })',
    '$nodes.order.name ~> $uppercase()',
  ])('%s', async (source) => {
    const compiled = compileExpression(source);
    if (!compiled.ok) throw new Error(compiled.problem.message);
    const { expression } = compiled;
    const slots = Int32Array.from(expression.nodeRefs, (id) => {
      const at = ids.indexOf(id);
      return at < 0 ? 99 : at;
    });
    const bound = await expression.bind(slots).evaluate(null, atPositions);
    expect(bound).toEqual(await expression.evaluate(null, byId));
    if (source !== '$nodes.missing') expect(bound).toBeDefined();
  });
});

describe('evaluate: deep in the call stack', () => {
  it('fails only with an ExpressionFailure, however little stack is left', async () => {
    const compiled = compileExpression(Array.from({ length: 1500 }, () => 'a').join(' + '));
    if (!compiled.ok) throw new Error(compiled.problem.message);
    const { evaluate } = compiled.expression;
    // How deep this stack goes, then evaluations at depths near it.
    const limit = ((depth: number): number => {
      const probe = (d: number): number => {
        try {
          return probe(d + 1);
        } catch {
          return d;
        }
      };
      return probe(depth);
    })(0);
    const outcomes = new Set<string>();
    for (let margin = 3000; margin >= 200; margin -= 200) {
      const at = (d: number): Promise<unknown> | unknown =>
        d <= 0 ? evaluate({ a: 1 }, scope) : at(d - 1);
      try {
        outcomes.add(String(await at(limit - margin)));
      } catch (error) {
        outcomes.add(error instanceof ExpressionFailure ? error.problem.code : String(error));
      }
    }
    for (const outcome of outcomes) expect(['1500', 'LIMIT_EXCEEDED']).toContain(outcome);
  });
});

describe('compileExpression: expressions of one shape', () => {
  // Expressions that differ only in the nodes they read share one compiled
  // fast-path form; each must still read its own nodes, bound or by id.
  const outputs: Json[] = [
    { v: 1, items: [{ price: 1 }, { price: 5 }] },
    { v: 10, items: [{ price: 2 }, { price: 7 }, { price: 9 }] },
  ];
  const ids = ['a', 'b'];
  const byId: EvalScope = { ...scope, nodes: { a: outputs[0] as Json, b: outputs[1] as Json } };
  // The runner's scope: the outputs array, with one entry not built yet.
  const pending: Json = { pending: true };
  const values: Json[] = [outputs[0] as Json, pending];
  const inArray: EvalScope = {
    ...scope,
    nodes: {},
    values,
    pending,
    output: (k) => outputs[k],
  };

  it.each([
    ['$nodes.a.v - $nodes.b.v', '$nodes.b.v - $nodes.a.v', -9, 9],
    ['$nodes.a.items[price > 1].price', '$nodes.b.items[price > 1].price', 5, [2, 7, 9]],
    ['$count($nodes.a.items)', '$count($nodes.b.items)', 2, 3],
    // Literals are part of the shape.
    ['$nodes.a.v * 2', '$nodes.b.v * 3', 2, 30],
    ['$nodes.a.v & "x"', '$nodes.a.v & "y"', '1x', '1y'],
  ])('%s and %s', async (first, second, firstAnswer, secondAnswer) => {
    for (const [source, answer] of [
      [first, firstAnswer],
      [second, secondAnswer],
    ] as const) {
      const compiled = compileExpression(source);
      if (!compiled.ok) throw new Error(compiled.problem.message);
      const { expression } = compiled;
      expect(expression.fast, source).toBe(true);
      const slots = Int32Array.from(expression.nodeRefs, (id) => ids.indexOf(id));
      expect(await expression.evaluate(null, byId), source).toEqual(answer);
      expect(await expression.bind(slots).evaluate(null, inArray), source).toEqual(answer);
    }
  });
});
