// What an import found: why a file was refused, or the errors of a workflow
// that can still be imported to be fixed. Nothing in the workspace has changed
// while this is showing.
import { useShallow } from 'zustand/react/shallow';
import { workspaceController } from './bootstrap.ts';
import { Modal } from './Modal.tsx';
import { useWorkspace } from './workspaceState.ts';

export function ImportReportDialog() {
  const report = useWorkspace(useShallow((s) => s.importReport));
  if (!report) return null;
  const close = () => workspaceController()?.closeImportReport();
  const title =
    report.state === 'checking'
      ? `Importing ${report.fileName}`
      : report.state === 'refused'
        ? `Cannot import ${report.fileName}`
        : `${report.fileName} has errors`;
  return (
    <Modal title={title} onClose={close} className="ws-import">
      <p className={report.state === 'checking' ? 'ws-muted' : 'ws-error'} role="alert">
        {report.message}
      </p>
      {report.problems.length > 0 && (
        <ul className="ws-problems" aria-label="Problems found">
          {report.problems.slice(0, 50).map((problem, index) => (
            <li key={index}>
              <code>{problem.path || '/'}</code> <span>{problem.message}</span>
            </li>
          ))}
          {report.problems.length > 50 && <li>…and {report.problems.length - 50} more</li>}
        </ul>
      )}
      {report.state !== 'checking' && (
        <footer className="ws-modal-actions">
          <span className="ws-muted">Your workspace is unchanged.</span>
          {report.definition && (
            <button
              type="button"
              className="ws-button"
              onClick={() => void workspaceController()?.importAnyway()}
            >
              Import anyway
            </button>
          )}
          <button type="button" className="ws-button primary" onClick={close}>
            OK
          </button>
        </footer>
      )}
    </Modal>
  );
}
