// The <select> that picks which named input sample the preview runs on, both
// in the workflow settings ("Sample") and in the top bar ("Preview sample").
// The store's `activeSample` null means "the first sample", the engine's default.
import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useEditor } from '../store/editorStore.ts';

export function SamplePicker({
  label = 'Sample',
  className = 'sample-picker-field',
  hideWhenEmpty = false,
}: {
  label?: string;
  /** The wrapper's class (the settings field's by default). */
  className?: string;
  /** Render nothing while the workflow has no samples (the top bar). */
  hideWhenEmpty?: boolean;
}) {
  const id = useId();
  const names = useEditor(
    useShallow((s) => (s.document.input?.samples ?? []).map((sample) => sample.name)),
  );
  const active = useEditor((s) => s.activeSample);
  const setActiveSample = useEditor((s) => s.setActiveSample);
  const value = active !== null && names.includes(active) ? active : (names[0] ?? '');
  if (hideWhenEmpty && names.length === 0) return null;

  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        disabled={names.length === 0}
        onChange={(e) => setActiveSample(e.target.value)}
      >
        {names.length === 0 && <option value="">No samples</option>}
        {names.map((name, index) => (
          // Names may repeat while being typed; the index keeps keys unique.
          <option key={`${index}:${name}`} value={name}>
            {name || '(untitled)'}
          </option>
        ))}
      </select>
    </div>
  );
}
