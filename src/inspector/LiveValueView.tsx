import type { LiveValue } from './liveValue.ts';

/** One line under an expression field with the value it produced for the current sample. */
export function LiveValueView({ live }: { live: LiveValue }) {
  switch (live.type) {
    case 'none':
      return null;
    case 'status':
      return <p className="live-value live-muted">{live.text}</p>;
    case 'port':
      return (
        <p className="live-value">
          <span className="live-caption">Result</span> → <code>{live.port}</code>
        </p>
      );
    case 'error':
      return (
        <p className="live-value live-error">
          <span className="live-caption">{live.code}</span> {live.message}
        </p>
      );
    case 'value':
      return (
        <p className="live-value">
          <span className="live-caption">Result</span>{' '}
          <code className="live-json">
            {live.value === undefined ? 'no value' : JSON.stringify(live.value)}
          </code>
          {live.truncated && <span className="live-muted"> (cut)</span>}
        </p>
      );
  }
}
