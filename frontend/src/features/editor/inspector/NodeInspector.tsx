import { Fragment, useId, useState } from 'react';

import { inputChoices, nodeName } from '../../../graph/connections';
import type { NodeIssues } from '../../../graph/issues';
import { unknownColumnsReason } from '../../../graph/tableSchema';
import type { BlockSpec, Catalogue, NodeContent } from '../../../graph/types';
import { summary } from '../canvas/BlockPalette';
import { ConfigForm } from './ConfigForm';
import type { EditorCommand } from '../commands/commands';
import { Icon } from '../commands/icons';
import { useDatasetChoices } from './useDatasetChoices';
import { useEditorStore } from '../store/useEditorStore';
import { useGraphContent } from '../store/useGraphContent';
import type { GraphEdits } from '../store/useGraphEdits';
import { useNodeColumns } from './useNodeColumns';

const SEPARATOR = '\u0000';

/** The node's input ports, each with a select of the outputs that can feed it: connecting by keyboard. */
function NodeInputs({
  node,
  spec,
  catalogue,
  edits,
  readOnly,
}: {
  node: NodeContent;
  spec: BlockSpec;
  catalogue: Catalogue;
  edits: GraphEdits;
  readOnly: boolean;
}) {
  const content = useGraphContent();
  const formId = useId();
  const [refusal, setRefusal] = useState<string | null>(null);
  return (
    <section className="inspector__inputs" aria-label="Inputs">
      <h3 className="inspector__section-title">Inputs</h3>
      {spec.inputs.map((port) => {
        const id = `${formId}-${port.name}`;
        const edge = content.edges.find(
          (candidate) => candidate.target === node.id && candidate.target_port === port.name,
        );
        const current = edge ? `${edge.source}${SEPARATOR}${edge.source_port}` : '';
        const choices = inputChoices(content, catalogue, node.id, port.name);
        const known = choices.some(
          (choice) => `${choice.source}${SEPARATOR}${choice.sourcePort}` === current,
        );
        return (
          <div key={port.name} className="field inspector__input">
            <label htmlFor={id}>
              {port.name}{' '}
              <span className="muted">
                {port.type}
                {!port.required && ' · optional'}
              </span>
            </label>
            <select
              id={id}
              value={current}
              disabled={readOnly}
              onChange={(event) => {
                const [source, sourcePort] = event.target.value.split(SEPARATOR);
                const result = edits.setInput(
                  node.id,
                  port.name,
                  source && sourcePort ? { node: source, port: sourcePort } : null,
                );
                setRefusal(result.ok ? null : result.reason);
              }}
            >
              <option value="">— not connected —</option>
              {!known && edge && (
                <option value={current}>
                  {edge.source} · {edge.source_port}
                </option>
              )}
              {choices.map((choice) => (
                <option
                  key={`${choice.source}${SEPARATOR}${choice.sourcePort}`}
                  value={`${choice.source}${SEPARATOR}${choice.sourcePort}`}
                >
                  {choice.label}
                </option>
              ))}
            </select>
          </div>
        );
      })}
      {refusal && (
        <p className="config-field__error" role="alert">
          {refusal}
        </p>
      )}
    </section>
  );
}

function NodeSettings({
  node,
  slug,
  catalogue,
  issues,
  edits,
  readOnly,
  onUnapplied,
}: {
  node: NodeContent;
  slug: string;
  catalogue: Catalogue;
  issues: NodeIssues | undefined;
  edits: GraphEdits;
  readOnly: boolean;
  onUnapplied: (nodeId: string, field: string, message: string | null) => void;
}) {
  const content = useGraphContent();
  const { choices, sources } = useDatasetChoices(slug);
  const columns = useNodeColumns(content, node.id, sources);
  const labelId = useId();
  const spec = catalogue.get(node.block);
  const general = issues?.messages.filter(
    (message) => !Object.values(issues.fields).some((list) => list.includes(message)),
  );

  return (
    <div className="inspector__body">
      <div className="inspector__heading">
        <p className={`inspector__family inspector__family--${spec?.family ?? 'unknown'}`}>
          {spec?.family ?? 'unknown block'}
        </p>
        <h2 className="inspector__title">{spec?.title ?? node.block}</h2>
        <p className="inspector__meta mono">
          {node.id} · {node.block}
          {spec && ` v${spec.version}`}
          {spec?.queue === 'gpu' && ' · GPU'}
        </p>
      </div>
      {spec && <p className="inspector__description">{summary(spec.description)}</p>}
      {general && general.length > 0 && (
        <ul className="inspector__problems" aria-label={`Problems of ${nodeName(node, spec)}`}>
          {general.map((message) => (
            <li key={message}>
              <Icon name="alert" /> {message}
            </li>
          ))}
        </ul>
      )}
      <div className="field">
        <label htmlFor={labelId}>Node label</label>
        <input
          id={labelId}
          type="text"
          autoComplete="off"
          placeholder={spec?.title ?? node.block}
          value={node.label ?? ''}
          disabled={readOnly}
          maxLength={200}
          onChange={(event) => edits.setLabel(node.id, event.target.value)}
        />
      </div>
      {spec && spec.inputs.length > 0 && (
        <NodeInputs
          node={node}
          spec={spec}
          catalogue={catalogue}
          edits={edits}
          readOnly={readOnly}
        />
      )}
      {spec ? (
        <section className="inspector__config" aria-label="Settings">
          <h3 className="inspector__section-title">Settings</h3>
          <ConfigForm
            schema={spec.config_schema}
            config={node.config}
            columns={columns}
            columnsNote={columns ? undefined : unknownColumnsReason(content, node.id)}
            datasets={choices}
            problems={issues?.fields}
            readOnly={readOnly}
            onChange={(key, value) => edits.setConfig(node.id, key, value)}
            onUnapplied={(field, message) => onUnapplied(node.id, field, message)}
          />
        </section>
      ) : (
        <p className="form-error">
          This server has no block “{node.block}”: delete the node, or replace it with a block from
          the palette.
        </p>
      )}
      {!readOnly && (
        <button
          type="button"
          className="button button--danger-ghost"
          onClick={() => edits.remove([node.id])}
        >
          <Icon name="trash" /> Delete block
        </button>
      )}
    </div>
  );
}

/** The right-hand panel: the selected block's settings, or what to do when none is selected. */
export function NodeInspector({
  slug,
  catalogue,
  issues,
  edits,
  readOnly,
  onCopy,
  onUnapplied,
  shortcuts,
}: {
  slug: string;
  catalogue: Catalogue;
  issues: ReadonlyMap<string, NodeIssues>;
  edits: GraphEdits;
  readOnly: boolean;
  onCopy: () => void;
  /** A setting of a node holds text that was not applied (its message), or no longer (null). */
  onUnapplied: (nodeId: string, field: string, message: string | null) => void;
  /** The editor's commands that have a keyboard shortcut, listed when no block is selected. */
  shortcuts: readonly EditorCommand[];
}) {
  const selection = useEditorStore((state) => state.selection);
  const { nodes } = useGraphContent();
  const selected = nodes.filter((node) => selection.nodes.includes(node.id));
  const only = selected.length === 1 ? selected[0] : undefined;

  return (
    <aside className="inspector" aria-label="Block settings">
      {only ? (
        <NodeSettings
          key={only.id}
          node={only}
          slug={slug}
          catalogue={catalogue}
          issues={issues.get(only.id)}
          edits={edits}
          readOnly={readOnly}
          onUnapplied={onUnapplied}
        />
      ) : selected.length > 1 ? (
        <div className="inspector__body">
          <h2 className="inspector__title">{selected.length} blocks selected</h2>
          <p className="muted">Drag them together, copy them, or delete them.</p>
          <div className="inspector__actions">
            <button type="button" className="button" onClick={onCopy}>
              <Icon name="copy" /> Copy
            </button>
            {!readOnly && (
              <button
                type="button"
                className="button button--danger-ghost"
                onClick={edits.removeSelection}
              >
                <Icon name="trash" /> Delete
              </button>
            )}
          </div>
        </div>
      ) : (
        <div className="inspector__body inspector__body--empty">
          <h2 className="inspector__title">No block selected</h2>
          <p className="muted">Select a block on the canvas to edit its settings.</p>
          <dl className="shortcuts">
            <dt>Connect</dt>
            <dd>drag from an output (right) to an input (left), or choose under Inputs</dd>
            <dt>Select several</dt>
            <dd>Shift + drag, or Ctrl/⌘ + click</dd>
            {shortcuts.map((command) => (
              <Fragment key={command.id}>
                <dt>{command.hint ?? command.label}</dt>
                <dd>{command.keysLabel}</dd>
              </Fragment>
            ))}
          </dl>
        </div>
      )}
    </aside>
  );
}
