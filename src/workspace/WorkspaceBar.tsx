// The top bar: workflow name, workflow list, import/export, gallery, save status.
// Minimal first version so the app compiles; the full bar follows.
export function WorkspaceBar() {
  return (
    <div className="workspace-bar">
      <strong>Weft</strong>
    </div>
  );
}

export default WorkspaceBar;
