import { useEffect } from 'react';
import { editorStore, useEditor } from '../store/editorStore.ts';

const SHOW_FOR_MS = 6000;

/** Says why the last connection was refused; goes away on its own or when dismissed. */
export function RefusalBanner() {
  const reason = useEditor((s) => s.connectionRefusal);
  useEffect(() => {
    if (!reason) return undefined;
    const timer = setTimeout(() => editorStore.getState().dismissRefusal(), SHOW_FOR_MS);
    return () => clearTimeout(timer);
  }, [reason]);
  if (!reason) return null;
  return (
    <div className="refusal-banner" role="alert">
      <span className="refusal-title">Connection refused</span>
      <span className="refusal-reason">{reason}</span>
      <button
        type="button"
        className="refusal-dismiss"
        aria-label="Dismiss"
        onClick={() => editorStore.getState().dismissRefusal()}
      >
        ×
      </button>
    </div>
  );
}
