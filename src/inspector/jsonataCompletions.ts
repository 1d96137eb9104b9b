// Completions inside expression fields: the bindings Weft adds ($input,
// $nodes.<id> for nodes upstream), and JSONata's built-in functions.
import type { CompletionContext, CompletionResult } from '@codemirror/autocomplete';

const BUILTINS = [
  'sum',
  'count',
  'max',
  'min',
  'average',
  'string',
  'substring',
  'substringBefore',
  'substringAfter',
  'lowercase',
  'uppercase',
  'length',
  'trim',
  'pad',
  'contains',
  'split',
  'join',
  'match',
  'replace',
  'number',
  'abs',
  'floor',
  'ceil',
  'round',
  'power',
  'sqrt',
  'random',
  'formatNumber',
  'formatBase',
  'formatInteger',
  'parseInteger',
  'boolean',
  'not',
  'exists',
  'append',
  'sort',
  'reverse',
  'shuffle',
  'distinct',
  'zip',
  'keys',
  'lookup',
  'spread',
  'merge',
  'sift',
  'each',
  'error',
  'assert',
  'type',
  'map',
  'filter',
  'single',
  'reduce',
  'now',
  'millis',
  'fromMillis',
  'toMillis',
  'base64encode',
  'base64decode',
  'encodeUrl',
  'decodeUrl',
  'encodeUrlComponent',
  'decodeUrlComponent',
];

/** A completion source; `upstreamIds` are the nodes `$nodes.` may name. */
export function jsonataCompletions(upstreamIds: () => readonly string[]) {
  return (context: CompletionContext): CompletionResult | null => {
    const nodeRef = context.matchBefore(/\$nodes\.[\w]*/);
    if (nodeRef) {
      return {
        from: nodeRef.from + '$nodes.'.length,
        options: upstreamIds().map((id) => ({
          label: id,
          type: 'property',
          detail: 'upstream node',
        })),
        validFor: /^\w*$/,
      };
    }
    const variable = context.matchBefore(/\$\w*/);
    if (!variable || (variable.from === variable.to && !context.explicit)) return null;
    return {
      from: variable.from,
      options: [
        { label: '$input', type: 'variable', detail: 'the workflow input' },
        { label: '$nodes', type: 'variable', detail: 'outputs of upstream nodes' },
        ...BUILTINS.map((name) => ({ label: `$${name}`, type: 'function', apply: `$${name}(` })),
      ],
      validFor: /^\$\w*$/,
    };
  };
}
