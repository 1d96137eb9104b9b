// The guarded module must not change what an expression means: the same text
// on the same data gives what plain jsonata 2.2 gives (after JSON
// serialisation), whether it runs on the fast path or the guarded interpreter,
// and fails where jsonata fails, with jsonata's message.

import { readFileSync } from 'node:fs';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import type { Json } from '../types.ts';
import { ExpressionFailure, type EvalScope } from './api.ts';
import { compileExpression } from './index.ts';

const input: Json = {
  order: {
    id: 'A-17',
    customer: { name: 'Ada Lovelace', email: 'ada@example.com', tier: 'gold' },
    items: [
      { sku: 'p1', name: 'Pen', price: 1.5, qty: 4, tags: ['office', 'cheap'] },
      { sku: 'p2', name: 'Paper', price: 7.25, qty: 1, tags: ['office'] },
      { sku: 'p3', name: 'Lamp', price: 32, qty: 2, tags: [] },
    ],
    note: null,
    paid: true,
  },
  numbers: [3, 1, 4, 1, 5, 9, 2, 6],
  text: 'The quick brown fox, the lazy dog',
};

const scope: EvalScope = {
  input: { threshold: 10 },
  nodes: { fetch: { status: 200, body: { rate: 1.1 } } },
  now: 0,
  random: () => 0.5,
};

const corpus = [
  'order.id',
  'order.customer.name & " <" & order.customer.email & ">"',
  'order.items.price',
  'order.items[price > 5].name',
  'order.items[0]',
  'order.items[-1].sku',
  '$sum(order.items.(price * qty))',
  '$count(order.items)',
  '$average(numbers)',
  '$max(numbers) - $min(numbers)',
  '$sort(numbers)',
  '$sort(order.items, function($a, $b){ $a.price < $b.price }).sku',
  '$reverse(numbers)',
  '$distinct(numbers)',
  '$map(numbers, function($n, $i){ $n * $i })',
  '$filter(numbers, function($n){ $n % 2 = 0 })',
  '$reduce(numbers, function($a, $b){ $a + $b })',
  'order.items{ sku: price * qty }',
  'order.items.{ "name": name, "total": price * qty }',
  'order.items.tags',
  'order.items.tags[0]',
  '**.sku',
  'order.*.name',
  '$keys(order.customer)',
  '$spread(order.customer)',
  '$merge([order.customer, {"tier": "platinum"}])',
  '$each(order.customer, function($v, $k){ $k & "=" & $v })',
  '$sift(order.customer, function($v){ $contains($v, "a") })',
  '$lookup(order.customer, "tier")',
  'order ~> |items|{ "total": price * qty }|',
  'order ~> |customer|{}, ["email"]|',
  '$string(order.items[0])',
  '$string(order.customer, true)',
  '$uppercase(order.customer.name)',
  '$substring(text, 4, 5)',
  '$substringBefore(text, ",")',
  '$split(text, " ")',
  '$split(text, /[ ,]+/)',
  '$join(order.items.name, ", ")',
  '$replace(text, /the/i, "A")',
  '$replace(text, /(\\w+) (\\w+)/, "$2 $1")',
  '$match(text, /([a-z]+) (f\\w+)/)',
  '$contains(text, /LAZY/i)',
  '$trim("  a  b  ")',
  '$pad("7", -3, "0")',
  '$formatNumber(1234.5, "#,##0.00")',
  '$formatBase(255, 16)',
  '$number("42") + 1',
  '$round(2.675, 2)',
  '$power(2, 10)',
  '$boolean(order.note)',
  '$not(order.paid)',
  '$exists(order.missing)',
  '$type(order.items)',
  'order.paid ? "paid" : "due"',
  'order.items[price > $input.threshold].name',
  '$nodes.fetch.body.rate * 100',
  '($total := $sum(order.items.(price * qty)); $total > 50 ? "big" : "small")',
  '[1..5].($ * $)',
  '"a" in order.items.tags',
  '$zip([1, 2], ["a", "b"])',
  '$append(numbers, [7])',
  '$single(order.items[sku = "p2"]).name',
  'order.items#$i[$i > 0].sku',
  'order.items@$it.tags@$t.{ "sku": $it.sku, "tag": $t }',
  '$fromMillis(0)',
  '$toMillis("1970-01-02T00:00:00Z")',
  '$base64encode("weft")',
  '$encodeUrlComponent("a b&c")',
  '$clone(order.customer)',
  'order.items^(>price).sku',
  '$assert(true, "never")',
  '$$.order.id',
];

const failing = [
  'order.id + 1',
  '$sum(order.items.name)',
  '$number("abc")',
  '$error("stop here")',
  '$assert(false, "asserted")',
  'order.items.price.foo()',
  '$single(numbers)',
];

async function plain(source: string): Promise<{ value?: unknown; message?: string }> {
  try {
    const raw: unknown = await jsonata(source).evaluate(input, {
      input: scope.input,
      nodes: scope.nodes,
    });
    return { value: raw === undefined ? undefined : JSON.parse(JSON.stringify(raw)) };
  } catch (err) {
    return { message: (err as { message?: string }).message ?? String(err) };
  }
}

async function guarded(source: string): Promise<{ value?: unknown; message?: string }> {
  const compiled = compileExpression(source);
  if (!compiled.ok) return { message: `did not compile: ${compiled.problem.message}` };
  try {
    return { value: await compiled.expression.evaluate(input, scope) };
  } catch (err) {
    if (err instanceof ExpressionFailure) return { message: err.problem.message };
    throw err;
  }
}

describe('same results as plain jsonata 2.2', () => {
  it.each(corpus)('%s', async (source) => {
    const expected = await plain(source);
    expect(expected.message).toBeUndefined();
    expect(await guarded(source)).toEqual(expected);
  });

  it.each(failing)('%s fails with jsonata’s message', async (source) => {
    const expected = await plain(source);
    expect(expected.message).toBeDefined();
    expect(await guarded(source)).toEqual(expected);
  });
});

describe('built-in functions of jsonata 2.2 and 2.0.6', () => {
  // If an upgrade adds a function 2.0.6 lacks, compileExpression must start
  // refusing it (EXPRESSION_UNSUPPORTED), as it refuses 2.1's ?? and ?: operators.
  it('are the same set, so no function needs refusing', () => {
    const read = (pkg: string) =>
      [
        ...readFileSync(
          new URL(`../../node_modules/${pkg}/jsonata.js`, import.meta.url),
          'utf8',
        ).matchAll(/staticFrame\.bind\('(\w+)'/g),
      ]
        .map((m) => m[1])
        .sort();
    const current = read('jsonata');
    expect(current.length).toBeGreaterThan(50);
    expect(current).toEqual(read('jsonata206'));
  });
});
