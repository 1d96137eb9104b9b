// The editor's keyboard shortcuts, as data: the help panel lists these and the
// handler in useShortcuts.ts acts on them.

export interface Shortcut {
  keys: string[];
  action: string;
}

export const shortcuts: Shortcut[] = [
  { keys: ['Delete'], action: 'Delete the selected nodes and edges (Backspace too)' },
  { keys: ['Ctrl', 'Z'], action: 'Undo' },
  { keys: ['Ctrl', 'Shift', 'Z'], action: 'Redo (Ctrl+Y too)' },
  { keys: ['Ctrl', 'C'], action: 'Copy the selected nodes' },
  { keys: ['Ctrl', 'V'], action: 'Paste' },
  { keys: ['Ctrl', 'D'], action: 'Duplicate the selected nodes' },
  { keys: ['Ctrl', 'A'], action: 'Select everything' },
  { keys: ['Shift', 'Click'], action: 'Add to the selection (Shift+drag: box select)' },
  { keys: ['Esc'], action: 'Clear the selection, close this panel' },
  { keys: ['?'], action: 'Show these shortcuts' },
];
