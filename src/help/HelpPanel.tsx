import { shortcuts } from '../shortcuts/shortcuts.ts';

export function HelpPanel({ onClose }: { onClose: () => void }) {
  return (
    <div className="help-backdrop" onClick={onClose}>
      <div
        className="help-panel"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        onClick={(e) => e.stopPropagation()}
      >
        <header className="help-header">
          <h2>Keyboard shortcuts</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <table className="help-table">
          <tbody>
            {shortcuts.map((s) => (
              <tr key={s.action}>
                <td className="help-keys">
                  {s.keys.map((k, i) => (
                    <span key={k}>
                      {i > 0 && '+'}
                      <kbd>{k}</kbd>
                    </span>
                  ))}
                </td>
                <td>{s.action}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="help-tips">
          Drag a kind from the palette onto the canvas, or click it to add it in the middle. Connect
          nodes by dragging from a port on the right of a node to the left edge of another. Every
          change re-runs the workflow on the selected sample; moving nodes does not.
        </p>
      </div>
    </div>
  );
}
