// The right-hand panel: the selected node's inspector, or the workflow settings
// when nothing is selected. This first version only reserves the slot so App
// compiles; the forms land in the next commits.
export function Inspector() {
  return (
    <aside className="inspector" aria-label="Inspector">
      <p>Select a node to inspect it.</p>
    </aside>
  );
}
