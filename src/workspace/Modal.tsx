// A modal dialog on the native <dialog> element: focus trapping, Escape and
// the inert backdrop come from the browser.
import { useEffect, useId, useRef, type ReactNode } from 'react';

export function Modal({
  title,
  onClose,
  children,
  className,
  dismissable = true,
}: {
  title: string;
  onClose?: () => void;
  children: ReactNode;
  className?: string;
  /** False for views the user must answer (recovery): Escape does nothing. */
  dismissable?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={`ws-modal ${className ?? ''}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (dismissable) onClose?.();
      }}
    >
      <header className="ws-modal-header">
        <h2 id={titleId}>{title}</h2>
        {dismissable && onClose && (
          <button type="button" className="ws-icon" aria-label="Close" onClick={onClose}>
            ×
          </button>
        )}
      </header>
      {children}
    </dialog>
  );
}
