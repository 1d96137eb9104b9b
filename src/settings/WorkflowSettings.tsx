// Workflow settings, shown in the inspector when no node is selected: name,
// description, the input schema and the named input samples. JSON fields keep
// whatever the user typed, even while it does not parse; the store only gets
// values that do, and the preview's diagnostics say whether the schema
// compiles and whether each sample matches it. The JSON fields keep their
// text themselves, so the page renders what a keystroke changed in the store
// with the preview's reply (`holdRenders`), not also in the key's own task.
import { useId } from 'react';
import type { Diagnostic, InputSample, Json } from '../engine/client.ts';
import { holdRenders, useEditor } from '../store/editorStore.ts';
import { JsonField } from '../ui/JsonField.tsx';
import { isJsonSchema, schemaShapeProblem } from '../ui/schemaShape.ts';
import { SamplePicker } from './SamplePicker.tsx';

const NO_SAMPLES: InputSample[] = [];

function messagesAt(diagnostics: readonly Diagnostic[], pointer: string): string | null {
  const found = diagnostics.filter((d) => d.path === pointer || d.path.startsWith(`${pointer}/`));
  return found.length > 0 ? found.map((d) => d.message).join(' ') : null;
}

/** A name no other sample has: `sample 2`, `sample 3`, … */
function freshSampleName(samples: readonly InputSample[]): string {
  const taken = new Set(samples.map((s) => s.name));
  let n = samples.length + 1;
  while (taken.has(`sample ${n}`)) n += 1;
  return `sample ${n}`;
}

function SampleEditor({
  sample,
  index,
  samples,
  diagnostics,
}: {
  sample: InputSample;
  index: number;
  samples: readonly InputSample[];
  diagnostics: readonly Diagnostic[];
}) {
  const titleId = useId();
  const setSamples = useEditor((s) => s.setSamples);
  const activeSample = useEditor((s) => s.activeSample);
  const setActiveSample = useEditor((s) => s.setActiveSample);
  const isActive =
    activeSample === sample.name || (index === 0 && !samples.some((s) => s.name === activeSample));
  const duplicate = samples.findIndex((s) => s.name === sample.name) !== index;

  const replace = (next: InputSample) =>
    setSamples(samples.map((s, i) => (i === index ? next : s)));

  return (
    <fieldset className={isActive ? 'sample is-active' : 'sample'}>
      <legend>{sample.name || '(untitled)'}</legend>
      <div className="field">
        <label htmlFor={titleId}>Title</label>
        <input
          id={titleId}
          type="text"
          value={sample.name}
          aria-invalid={duplicate || sample.name === '' ? true : undefined}
          onChange={(e) => {
            const name = e.target.value;
            replace({ name, data: sample.data });
            // The preview keeps running on this sample under its new name.
            if (isActive) setActiveSample(name);
          }}
        />
        {duplicate && <p className="field-error">Another sample already has this title.</p>}
        {sample.name === '' && <p className="field-error">Give the sample a title.</p>}
      </div>
      <JsonField
        label="Data"
        value={sample.data}
        rows={5}
        error={messagesAt(diagnostics, `/input/samples/${index}`)}
        onChange={(data: Json | undefined) =>
          holdRenders(() => replace({ name: sample.name, data: data ?? null }))
        }
      />
      <div className="sample-actions">
        {isActive ? (
          <span className="badge badge-chosen">Used by the preview</span>
        ) : (
          <button
            type="button"
            className="button-link"
            onClick={() => setActiveSample(sample.name)}
          >
            Use for preview
          </button>
        )}
        <button
          type="button"
          className="button-link danger"
          onClick={() => {
            const rest = samples.filter((_, i) => i !== index);
            setSamples(rest);
            if (isActive) setActiveSample(rest[0]?.name ?? null);
          }}
        >
          Remove
        </button>
      </div>
    </fieldset>
  );
}

export function WorkflowSettings() {
  const nameId = useId();
  const descriptionId = useId();
  const id = useEditor((s) => s.document.id);
  const name = useEditor((s) => s.document.name);
  const description = useEditor((s) => s.document.description ?? '');
  const schema = useEditor((s) => s.document.input?.schema);
  const samples = useEditor((s) => s.document.input?.samples ?? NO_SAMPLES);
  const diagnostics = useEditor((s) => s.diagnostics);
  const setWorkflowMeta = useEditor((s) => s.setWorkflowMeta);
  const setInputSchema = useEditor((s) => s.setInputSchema);
  const setSamples = useEditor((s) => s.setSamples);

  return (
    <div className="workflow-settings">
      <header className="inspector-header">
        <span className="kind-chip">Workflow</span>
        <code className="node-id" title="Workflow id">
          {id}
        </code>
      </header>
      <p className="kind-description">
        Select a node to edit it. These settings belong to the whole workflow.
      </p>
      <div className="field">
        <label htmlFor={nameId}>Name</label>
        <input
          id={nameId}
          type="text"
          value={name}
          onChange={(e) => setWorkflowMeta({ name: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={descriptionId}>Description</label>
        <textarea
          id={descriptionId}
          rows={3}
          value={description}
          onChange={(e) => setWorkflowMeta({ description: e.target.value })}
        />
      </div>
      <JsonField
        label="Input schema"
        hint="A JSON Schema (draft 2020-12) the workflow input must match. Leave empty to accept any input."
        value={schema}
        allowEmpty
        rows={8}
        error={messagesAt(diagnostics, '/input/schema')}
        check={schemaShapeProblem}
        onChange={(next) =>
          holdRenders(() =>
            setInputSchema(next !== undefined && isJsonSchema(next) ? next : undefined),
          )
        }
      />
      <section className="samples" aria-labelledby={`${nameId}-samples`}>
        <h3 className="section-title" id={`${nameId}-samples`}>
          Input samples
        </h3>
        <p className="field-hint">
          Named inputs to preview the workflow with. Each is checked against the input schema.
        </p>
        <SamplePicker />
        {samples.map((sample, index) => (
          <SampleEditor
            key={index}
            sample={sample}
            index={index}
            samples={samples}
            diagnostics={diagnostics}
          />
        ))}
        <button
          type="button"
          className="button"
          onClick={() => setSamples([...samples, { name: freshSampleName(samples), data: {} }])}
        >
          Add sample
        </button>
      </section>
    </div>
  );
}
