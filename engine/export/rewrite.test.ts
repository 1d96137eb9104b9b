import jsonata206 from 'jsonata206';
import { describe, expect, it } from 'vitest';
import type { Json } from '../types.ts';
import { rewriteExpression } from './rewrite.ts';

/** Evaluates a rewritten expression the way Step Functions does: no context, `$states.input` bound. */
async function inStepFunctions(
  text: string,
  input: Json,
  variables: Record<string, Json> = {},
): Promise<unknown> {
  return jsonata206(text).evaluate(undefined, { ...variables, states: { input } });
}

function rewritten(source: string): string {
  const result = rewriteExpression(source);
  if (!result.ok) throw new Error(result.message);
  return result.text;
}

describe('rewriteExpression', () => {
  const input = {
    amount: 1200,
    items: [
      { name: 'pen', price: 2, qty: 10 },
      { name: 'desk', price: 300, qty: 1 },
    ],
    'my field': 'spaced',
    tags: ['a', 'b'],
  };
  // Each expression must give in Step Functions what it gives in the preview.
  const sameValue = [
    'amount > 1000',
    '$.amount * 2',
    '$',
    '$$.amount',
    'items[price > 3].name',
    'items.(price * qty)',
    '$sum(items.(price * qty))',
    'items^(>price)[0].name',
    '$map(items, function($i){ $i.price * amount })',
    '`my field` & "!"',
    '"amount" & " is " & $string(amount)',
    '*.name',
    '**.price',
    '{ "n": $count(items), "first": items[0].name }',
    '($total := $sum(items.price); $total > 100 ? "big" : "small")',
    'items{ name: price }',
    '$count(tags[$ = "a"])',
    'amount ~> $string()',
    '$contains("x/y", /x\\/y/)',
    'amount\n  > 1000 /* a comment with amount in it */',
    '"two\nlines" & amount',
  ];
  for (const source of sameValue) {
    it(`keeps the value of ${JSON.stringify(source)}`, async () => {
      const expected: unknown = await jsonata206(source).evaluate(input);
      const text = rewritten(source);
      expect(await inStepFunctions(text, input)).toEqual(expected);
    });
  }

  it('puts the expression on one line', () => {
    expect(rewritten('amount\n  > 1000 /* big */')).not.toMatch(/[\n\r]/);
    expect(rewritten('"two\nlines"')).toBe('"two\\nlines"');
  });

  it('turns $nodes.<id> into the variable $n_<id> and lists the ids', async () => {
    const result = rewriteExpression('$nodes.erp.body.id & "-" & $nodes.total');
    expect(result).toEqual({
      ok: true,
      text: '$n_erp.body.id & "-" & $n_total',
      nodeRefs: ['erp', 'total'],
    });
    expect(
      await inStepFunctions(result.ok ? result.text : '', null, {
        n_erp: { body: { id: 'PO-1' } },
        n_total: 5,
      }),
    ).toBe('PO-1-5');
  });

  it('leaves $input to the variable the start state assigns', () => {
    expect(rewritten('$input.vendor & vendor')).toBe('$input.vendor & $states.input.vendor');
  });

  it('never touches text inside string literals', () => {
    expect(rewritten('"$nodes.x and amount and $"')).toBe('"$nodes.x and amount and $"');
    expect(rewritten('"say \\"amount\\" $" & amount')).toBe(
      '"say \\"amount\\" $" & $states.input.amount',
    );
  });

  it('refuses what Step Functions cannot evaluate the same way', () => {
    expect(rewriteExpression('$nodes').ok).toBe(false);
    expect(rewriteExpression('$lookup($nodes, "x")').ok).toBe(false);
    expect(rewriteExpression('$states.input').ok).toBe(false);
    expect(rewriteExpression('amount >').ok).toBe(false);
  });
});
