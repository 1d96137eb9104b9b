import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../engine/client.ts';
import { configPointer, diagnosticsAt, nodeLevelDiagnostics } from './nodeDiagnostics.ts';

const syntax: Diagnostic = {
  code: 'EXPRESSION_SYNTAX',
  message: 'Expected ")"',
  path: '/nodes/1/config/expression',
  severity: 'error',
  node: 'total',
  position: 4,
};
const caseSyntax: Diagnostic = { ...syntax, path: '/nodes/1/config/cases/0/expression' };
const otherNode: Diagnostic = { ...syntax, path: '/nodes/10/config/expression', node: 'other' };
const duplicate: Diagnostic = {
  code: 'DUPLICATE_ID',
  message: 'Two nodes are called total',
  path: '/nodes/1/id',
  severity: 'error',
  node: 'total',
};
const edge: Diagnostic = {
  code: 'UNKNOWN_PORT',
  message: 'No port "maybe"',
  path: '/edges/0/sourcePort',
  severity: 'error',
  node: 'total',
};

describe('node diagnostics', () => {
  it('finds the diagnostics of one field and not those of a node with a longer index', () => {
    const all = [syntax, caseSyntax, otherNode, duplicate];
    expect(diagnosticsAt(all, configPointer(1, 'expression'))).toEqual([syntax]);
    expect(diagnosticsAt(all, configPointer(1, 'cases', 0, 'expression'))).toEqual([caseSyntax]);
    expect(diagnosticsAt(all, configPointer(1, 'cases'))).toEqual([caseSyntax]);
  });

  it('keeps for the node as a whole only what no field shows', () => {
    const all = [syntax, caseSyntax, otherNode, duplicate, edge];
    expect(nodeLevelDiagnostics(all, 1, 'total', ['expression', 'cases'])).toEqual([
      duplicate,
      edge,
    ]);
  });

  it('escapes keys as JSON Pointer tokens', () => {
    expect(configPointer(2, 'a/b~c')).toBe('/nodes/2/config/a~1b~0c');
  });
});
