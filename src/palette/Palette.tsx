import { useMemo, useState, type DragEvent } from 'react';
import { nodeKinds, type NodeKindInfo } from '../engine/client.ts';
import { canvasApi } from '../canvas/canvasApi.ts';
import { KIND_MIME } from '../canvas/kindMime.ts';
import { kindGlyph } from '../canvas/nodeVisuals.ts';
import { editorStore } from '../store/editorStore.ts';

const GROUPS: NodeKindInfo['group'][] = ['Flow', 'Data', 'Integrations', 'People & time', 'End'];

function matches(info: NodeKindInfo, query: string): boolean {
  if (query === '') return true;
  const q = query.toLowerCase();
  return (
    info.label.toLowerCase().includes(q) ||
    info.kind.includes(q) ||
    info.description.toLowerCase().includes(q)
  );
}

function onDragStart(event: DragEvent, info: NodeKindInfo) {
  event.dataTransfer.setData(KIND_MIME, info.kind);
  event.dataTransfer.setData('text/plain', info.label);
  event.dataTransfer.effectAllowed = 'move';
}

/** Every node kind, grouped and searchable; drag one onto the canvas or click to add it. */
export function Palette() {
  const [query, setQuery] = useState('');
  const groups = useMemo(
    () =>
      GROUPS.map((group) => ({
        group,
        kinds: nodeKinds.filter((k) => k.group === group && matches(k, query.trim())),
      })).filter((g) => g.kinds.length > 0),
    [query],
  );

  return (
    <nav className="palette" aria-label="Node palette">
      <input
        className="palette-search"
        type="search"
        placeholder="Search nodes"
        aria-label="Search nodes"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {groups.length === 0 && <p className="palette-empty">No node kind matches “{query}”.</p>}
      {groups.map(({ group, kinds }) => (
        <section key={group} className="palette-group" aria-label={group}>
          <h3 className="palette-group-title">{group}</h3>
          {kinds.map((info) => (
            <button
              key={info.kind}
              type="button"
              className={`palette-item kind-${info.kind}`}
              draggable
              aria-label={info.label}
              title={`${info.description}\nDrag onto the canvas, or click to add.`}
              onDragStart={(e) => onDragStart(e, info)}
              onClick={() => editorStore.getState().addNode(info.kind, canvasApi.centre())}
            >
              <span className="palette-glyph" aria-hidden="true">
                {kindGlyph[info.kind]}
              </span>
              <span className="palette-text">
                <span className="palette-label">{info.label}</span>
                <span className="palette-description">{info.description}</span>
              </span>
            </button>
          ))}
        </section>
      ))}
    </nav>
  );
}
