// A read-only, collapsible view of a JSON value. Built on <details>/<summary>
// so expanding and collapsing is keyboard-accessible and needs no state here.
import { memo } from 'react';
import type { Json } from '../engine/client.ts';
import './ui.css';

/** Children rendered per object/array before a "… N more" line; big outputs stay cheap to paint. */
const MAX_CHILDREN = 100;

interface JsonTreeProps {
  value: Json | undefined;
  /** Levels open at first; deeper ones start collapsed. */
  openDepth?: number;
}

function Primitive({ value }: { value: null | boolean | number | string }) {
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === 'string')
    return <span className="json-string">{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className="json-number">{String(value)}</span>;
  return <span className="json-boolean">{String(value)}</span>;
}

function summary(value: Json[] | { [key: string]: Json }): string {
  if (Array.isArray(value)) return `[ ${value.length} item${value.length === 1 ? '' : 's'} ]`;
  const count = Object.keys(value).length;
  return `{ ${count} key${count === 1 ? '' : 's'} }`;
}

/**
 * One line of the tree and what it holds. Memoised: the store hands an
 * unchanged part of a new result over as the same object (shareStructure), so
 * a keystroke re-renders only the lines whose value changed.
 */
const Entry = memo(function JsonEntry({
  name,
  value,
  depth,
  openDepth,
}: {
  name: string | null;
  value: Json;
  depth: number;
  openDepth: number;
}) {
  const key = name === null ? null : <span className="json-key">{name}: </span>;
  if (value === null || typeof value !== 'object') {
    return (
      <li className="json-leaf">
        {key}
        <Primitive value={value} />
      </li>
    );
  }
  const entries: Array<[string, Json]> = Array.isArray(value)
    ? value.map((item, index) => [String(index), item])
    : Object.entries(value);
  const shown = entries.slice(0, MAX_CHILDREN);
  return (
    <li className="json-branch">
      <details open={depth < openDepth}>
        <summary>
          {key}
          <span className="json-summary">{summary(value)}</span>
        </summary>
        {entries.length > 0 && (
          <ul className="json-children">
            {shown.map(([childName, child]) => (
              <Entry
                key={childName}
                name={childName}
                value={child}
                depth={depth + 1}
                openDepth={openDepth}
              />
            ))}
            {entries.length > shown.length && (
              <li className="json-more">… {entries.length - shown.length} more</li>
            )}
          </ul>
        )}
      </details>
    </li>
  );
});

export function JsonTree({ value, openDepth = 2 }: JsonTreeProps) {
  if (value === undefined) {
    return <p className="json-tree json-empty">no value</p>;
  }
  return (
    <ul className="json-tree">
      <Entry name={null} value={value} depth={0} openDepth={openDepth} />
    </ul>
  );
}
