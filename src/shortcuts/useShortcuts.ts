import { useEffect } from 'react';
import { parseClipboard } from '../store/documentOps.ts';
import { editorStore } from '../store/editorStore.ts';

/** Keys typed into a field belong to the field, not to the canvas. */
function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) {
    return true;
  }
  return target.closest('.cm-editor') !== null;
}

/**
 * Wires the editor shortcuts to window. Copy and paste go through the
 * browser's copy/paste events, which reach the system clipboard without a
 * permission prompt; the in-app clipboard is the fallback when they do not fire.
 */
export function useShortcuts(onHelp: () => void, onEscape: () => void): void {
  useEffect(() => {
    let pasteHandled = false;

    function onKeyDown(event: KeyboardEvent) {
      if (isEditable(event.target)) return;
      // Keys pressed in a dialog (help, import, gallery) are not canvas commands.
      if (event.target instanceof Element && event.target.closest('[role="dialog"]')) {
        if (event.key === 'Escape') onEscape();
        return;
      }
      const store = editorStore.getState();
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (!mod && (event.key === 'Delete' || event.key === 'Backspace')) {
        event.preventDefault();
        store.removeSelection();
      } else if (mod && key === 'z') {
        event.preventDefault();
        if (event.shiftKey) store.redo();
        else store.undo();
      } else if (mod && key === 'y') {
        event.preventDefault();
        store.redo();
      } else if (mod && key === 'a') {
        event.preventDefault();
        store.selectAll();
      } else if (mod && key === 'd') {
        event.preventDefault();
        store.duplicateSelection();
      } else if (mod && key === 'c') {
        store.copySelection();
      } else if (mod && key === 'v') {
        pasteHandled = false;
        setTimeout(() => {
          if (!pasteHandled) editorStore.getState().paste();
        }, 0);
      } else if (!mod && event.key === '?') {
        event.preventDefault();
        onHelp();
      } else if (event.key === 'Escape') {
        onEscape();
        store.select([]);
      }
    }

    function onCopy(event: ClipboardEvent) {
      if (isEditable(event.target)) return;
      const { clipboard, selectedNodeIds } = editorStore.getState();
      if (!clipboard || selectedNodeIds.length === 0 || !event.clipboardData) return;
      event.clipboardData.setData('text/plain', JSON.stringify(clipboard, null, 2));
      event.preventDefault();
    }

    function onPaste(event: ClipboardEvent) {
      if (isEditable(event.target)) return;
      pasteHandled = true;
      const payload = parseClipboard(event.clipboardData?.getData('text/plain') ?? '');
      event.preventDefault();
      editorStore.getState().paste(payload ?? undefined);
    }

    window.addEventListener('keydown', onKeyDown);
    document.addEventListener('copy', onCopy);
    document.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('paste', onPaste);
    };
  }, [onHelp, onEscape]);
}
