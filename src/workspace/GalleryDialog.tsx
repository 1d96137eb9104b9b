// The gallery: the sample workflows listed in /samples/index.json. Opening one
// adds it to the workspace as a new workflow.
import { useEffect, useState } from 'react';
import type { GalleryEntry } from './controller.ts';
import { workspaceController } from './bootstrap.ts';
import { Modal } from './Modal.tsx';

type GalleryState =
  | { state: 'loading' }
  | { state: 'ready'; entries: GalleryEntry[] }
  | { state: 'failed'; message: string };

export function GalleryDialog({ onClose }: { onClose: () => void }) {
  const [gallery, setGallery] = useState<GalleryState>({ state: 'loading' });
  const [opening, setOpening] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const controller = workspaceController();
    if (!controller) return;
    controller.loadGallery().then(
      (entries) => live && setGallery({ state: 'ready', entries }),
      (error: unknown) =>
        live &&
        setGallery({
          state: 'failed',
          message: error instanceof Error ? error.message : String(error),
        }),
    );
    return () => {
      live = false;
    };
  }, []);

  const open = async (entry: GalleryEntry) => {
    const controller = workspaceController();
    if (!controller) return;
    setOpening(entry.id);
    try {
      await controller.openSample(entry);
      onClose();
    } catch (error) {
      setGallery({
        state: 'failed',
        message: error instanceof Error ? error.message : String(error),
      });
      setOpening(null);
    }
  };

  return (
    <Modal title="Gallery" onClose={onClose} className="ws-gallery">
      <p className="ws-muted">Open a sample as a new workflow in your workspace.</p>
      {gallery.state === 'loading' && <p className="ws-muted">Loading samples…</p>}
      {gallery.state === 'failed' && (
        <p className="ws-error" role="alert">
          The samples cannot be loaded: {gallery.message}
        </p>
      )}
      {gallery.state === 'ready' && (
        <ul className="ws-gallery-list">
          {gallery.entries.map((entry) => (
            <li key={entry.id}>
              <div>
                <h3>{entry.name}</h3>
                <p>{entry.description}</p>
              </div>
              <button
                type="button"
                className="ws-button primary"
                aria-label={`Open ${entry.name}`}
                disabled={opening !== null}
                onClick={() => void open(entry)}
              >
                {opening === entry.id ? 'Opening…' : 'Open'}
              </button>
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}
