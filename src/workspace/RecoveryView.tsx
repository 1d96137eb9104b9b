// Shown instead of the editor when stored work cannot be read. It never
// writes on its own: the user downloads the raw data, then chooses to restore
// an earlier version, open the document as it is, or discard what is broken.
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { workspaceController } from './bootstrap.ts';
import { Modal } from './Modal.tsx';
import { useWorkspace } from './workspaceState.ts';

export function RecoveryView() {
  const recovery = useWorkspace(useShallow((s) => s.recovery));
  const [downloaded, setDownloaded] = useState(false);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  if (!recovery) return null;
  const controller = workspaceController();
  const savedAt = recovery.lastGood ? new Date(recovery.lastGood.savedAt).toLocaleString() : null;

  return (
    <Modal title="Your stored work could not be opened" dismissable={false} className="ws-recovery">
      <p role="alert" className="ws-error">
        {recovery.problem}
      </p>
      <p>
        Nothing has been changed or deleted. Download the stored data to keep a copy before you
        choose what to do.
      </p>
      <div className="ws-recovery-actions">
        <button
          type="button"
          className="ws-button primary"
          onClick={() => {
            void controller?.downloadRecoveryData();
            setDownloaded(true);
          }}
        >
          Download raw data
        </button>
        {recovery.lastGood && (
          <button
            type="button"
            className="ws-button"
            onClick={() => void controller?.restoreLastGood()}
          >
            Restore the version saved {savedAt}
          </button>
        )}
        {recovery.openable && (
          <button type="button" className="ws-button" onClick={() => controller?.openAnyway()}>
            Open it in the editor anyway
          </button>
        )}
        {recovery.canGoBack && (
          <button type="button" className="ws-button" onClick={() => controller?.goBack()}>
            {recovery.key === null ? 'Continue to the editor' : 'Back to the previous workflow'}
          </button>
        )}
      </div>
      <div className="ws-recovery-discard">
        {!confirmDiscard ? (
          <button type="button" className="ws-link danger" onClick={() => setConfirmDiscard(true)}>
            {recovery.key === null ? 'Discard the unreadable records…' : 'Discard this workflow…'}
          </button>
        ) : (
          <p>
            {downloaded ? '' : 'You have not downloaded the data yet. '}
            {recovery.key === null
              ? 'Discarding deletes the unreadable records for good.'
              : `Discarding deletes ${recovery.name ? `"${recovery.name}"` : 'this workflow'} and all its saved versions for good.`}{' '}
            <button
              type="button"
              className="ws-button danger"
              onClick={() => void controller?.discardUnreadable()}
            >
              Discard it
            </button>{' '}
            <button type="button" className="ws-button" onClick={() => setConfirmDiscard(false)}>
              Keep it
            </button>
          </p>
        )}
      </div>
    </Modal>
  );
}
