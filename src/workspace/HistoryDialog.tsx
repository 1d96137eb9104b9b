// The open workflow's saved versions, to bring an earlier one back.
import { useEffect, useState } from 'react';
import type { VersionEntry } from '../persistence/repository.ts';
import { workspaceController } from './bootstrap.ts';
import { Modal } from './Modal.tsx';

type HistoryState =
  | { state: 'loading' }
  | { state: 'ready'; entries: VersionEntry[] }
  | { state: 'failed'; message: string };

function when(savedAt: number): string {
  return new Date(savedAt).toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'medium',
  });
}

export function HistoryDialog({ onClose }: { onClose: () => void }) {
  const [history, setHistory] = useState<HistoryState>({ state: 'loading' });

  useEffect(() => {
    let live = true;
    workspaceController()
      ?.loadHistory()
      .then(
        (entries) => live && setHistory({ state: 'ready', entries }),
        (error: unknown) =>
          live &&
          setHistory({
            state: 'failed',
            message: error instanceof Error ? error.message : String(error),
          }),
      );
    return () => {
      live = false;
    };
  }, []);

  return (
    <Modal title="Version history" onClose={onClose} className="ws-history">
      <p className="ws-muted">
        Every change is saved. The latest versions are all kept, and one every ten minutes before
        them. Restoring a version saves it as the newest, so nothing is lost.
      </p>
      {history.state === 'loading' && <p className="ws-muted">Loading versions…</p>}
      {history.state === 'failed' && (
        <p className="ws-error" role="alert">
          The history cannot be read: {history.message}
        </p>
      )}
      {history.state === 'ready' && (
        <ol className="ws-history-list" aria-label="Saved versions">
          {history.entries.map((entry, index) => (
            <li key={entry.vid}>
              <span className="ws-history-when">{when(entry.savedAt)}</span>
              {'definition' in entry ? (
                <>
                  <span className="ws-history-what">
                    {entry.definition.name} · {entry.definition.nodes.length} nodes
                  </span>
                  {index === 0 ? (
                    <span className="ws-muted">Current</span>
                  ) : (
                    <button
                      type="button"
                      className="ws-button"
                      aria-label={`Restore the version saved ${when(entry.savedAt)}`}
                      onClick={() => {
                        workspaceController()?.restoreVersion(entry.definition);
                        onClose();
                      }}
                    >
                      Restore
                    </button>
                  )}
                </>
              ) : (
                <span className="ws-error">Unreadable: {entry.problem}</span>
              )}
            </li>
          ))}
        </ol>
      )}
    </Modal>
  );
}
