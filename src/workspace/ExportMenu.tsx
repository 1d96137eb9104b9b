// The export formats beyond the workflow's own JSON: today Amazon States
// Language for AWS Step Functions. The export runs in the engine's worker
// (through the engine client); the result is a download plus the placeholders
// to fill in, or, per node, the reasons the workflow cannot be exported.
import { useDismiss } from './useDismiss.ts';
import { useCallback, useRef, useState } from 'react';
import { engineClient, type AslExportIssue } from '../engine/client.ts';
import { editorStore, useEditor } from '../store/editorStore.ts';
import { downloadText, fileNameFor } from './download.ts';
import { Modal } from './Modal.tsx';

type ExportReport =
  | { state: 'working' }
  | { state: 'failed'; message: string }
  | { state: 'exported'; fileName: string; warnings: AslExportIssue[] }
  | { state: 'refused'; problems: AslExportIssue[]; warnings: AslExportIssue[] };

/** At most this many problems or warnings are listed. */
const LIST_LIMIT = 50;

export async function exportAsl(
  download: (fileName: string, text: string) => void = downloadText,
): Promise<ExportReport> {
  const client = engineClient();
  if (!client) return { state: 'failed', message: 'The engine is still starting; try again.' };
  const { document } = editorStore.getState();
  const answer = await client.exportAsl(document);
  if (!answer.ok)
    return { state: 'failed', message: `The export did not finish: ${answer.reason}.` };
  const result = answer.value;
  if (!result.ok) return { state: 'refused', problems: result.problems, warnings: result.warnings };
  const fileName = fileNameFor(document.id || document.name, '.asl.json');
  download(fileName, `${JSON.stringify(result.machine, null, 2)}\n`);
  return { state: 'exported', fileName, warnings: result.warnings };
}

function IssueList({
  issues,
  label,
  onNode,
}: {
  issues: AslExportIssue[];
  label: string;
  onNode?: (nodeId: string) => void;
}) {
  return (
    <ul className="ws-problems" aria-label={label}>
      {issues.slice(0, LIST_LIMIT).map((issue, index) => (
        <li key={index}>
          {issue.node !== undefined && onNode ? (
            <button
              type="button"
              className="ws-link"
              aria-label={`Select node ${issue.node}`}
              onClick={() => onNode(issue.node as string)}
            >
              {issue.node}
            </button>
          ) : (
            <code>{issue.node ?? (issue.path || '/')}</code>
          )}{' '}
          <span>{issue.message}</span>
        </li>
      ))}
      {issues.length > LIST_LIMIT && <li>…and {issues.length - LIST_LIMIT} more</li>}
    </ul>
  );
}

function ExportReportDialog({ report, onClose }: { report: ExportReport; onClose: () => void }) {
  const select = useEditor((s) => s.select);
  const selectNode = (nodeId: string) => {
    select([nodeId]);
    onClose();
  };
  switch (report.state) {
    case 'working':
      return (
        <Modal title="Exporting to Step Functions…" onClose={onClose}>
          <p className="ws-muted" role="status">
            Converting the workflow…
          </p>
        </Modal>
      );
    case 'failed':
      return (
        <Modal title="Export to Step Functions failed" onClose={onClose}>
          <p className="ws-error" role="alert">
            {report.message}
          </p>
          <footer className="ws-modal-actions">
            <button type="button" className="ws-button primary" onClick={onClose}>
              OK
            </button>
          </footer>
        </Modal>
      );
    case 'exported':
      return (
        <Modal title="Exported to Step Functions" onClose={onClose}>
          <p>
            Downloaded <code>{report.fileName}</code> (Amazon States Language, JSONata).
          </p>
          {report.warnings.length > 0 ? (
            <>
              <p>Fill these in before you deploy it:</p>
              <IssueList issues={report.warnings} label="Placeholders to fill in" />
            </>
          ) : (
            <p className="ws-muted">There are no placeholders to fill in.</p>
          )}
          <footer className="ws-modal-actions">
            <button type="button" className="ws-button primary" onClick={onClose}>
              OK
            </button>
          </footer>
        </Modal>
      );
    case 'refused':
      return (
        <Modal title="Cannot export to Step Functions" onClose={onClose}>
          <p className="ws-error" role="alert">
            {report.problems.length === 1
              ? 'One part of this workflow cannot be expressed in Step Functions.'
              : `${report.problems.length} parts of this workflow cannot be expressed in Step Functions.`}{' '}
            Click a node to select it.
          </p>
          <IssueList
            issues={report.problems}
            label="Why it cannot be exported"
            onNode={selectNode}
          />
          <footer className="ws-modal-actions">
            <span className="ws-muted">Nothing was downloaded.</span>
            <button type="button" className="ws-button primary" onClick={onClose}>
              OK
            </button>
          </footer>
        </Modal>
      );
  }
}

export function ExportMenu({ disabled }: { disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  const [report, setReport] = useState<ExportReport | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const latest = useRef(0);

  const close = useCallback(() => setOpen(false), []);
  useDismiss(open, rootRef, close);

  const startAsl = () => {
    setOpen(false);
    const ticket = ++latest.current;
    setReport({ state: 'working' });
    void exportAsl().then((next) => {
      // A dialog closed while the export ran stays closed.
      if (ticket === latest.current) setReport(next);
    });
  };

  return (
    <div className="ws-menu" ref={rootRef}>
      <button
        type="button"
        className="ws-button"
        aria-label="More export formats"
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={disabled}
        onClick={() => setOpen((v) => !v)}
      >
        ▾
      </button>
      {open && (
        <div className="ws-menu-panel ws-export-panel" role="menu" aria-label="Export formats">
          <button type="button" role="menuitem" className="ws-menu-item" onClick={startAsl}>
            Export to Step Functions (ASL)
          </button>
        </div>
      )}
      {report && (
        <ExportReportDialog
          report={report}
          onClose={() => {
            latest.current += 1;
            setReport(null);
          }}
        />
      )}
    </div>
  );
}
