import { useId, type ChangeEvent } from 'react';
import { Link } from 'react-router-dom';

import type { GraphValidation } from '../inspector/useGraphValidation';
import type { SaveStatus } from '../persistence/useAutosave';
import { commandTitle, type EditorCommand, type EditorCommands } from './commands';
import { Icon, type IconName } from './icons';

function ToolButton({ command, icon }: { command: EditorCommand; icon: IconName }) {
  return (
    <button
      type="button"
      className="tool-button"
      aria-label={command.label}
      title={commandTitle(command)}
      aria-keyshortcuts={command.keys}
      disabled={!command.enabled}
      onClick={command.run}
    >
      <Icon name={icon} />
    </button>
  );
}

const SAVE_TEXT: Record<SaveStatus, string> = {
  saved: 'All changes saved',
  pending: 'Unsaved changes',
  saving: 'Saving…',
  error: 'Not saved',
  conflict: 'Not saved: conflict',
};

function ValidationBadge({
  validation,
  unapplied,
}: {
  validation: GraphValidation;
  unapplied: number;
}) {
  const { result, pending, error } = validation;
  let tone = 'neutral';
  let text = 'Checking…';
  let state = pending ? 'checking' : result?.valid ? 'valid' : 'invalid';
  if (unapplied > 0) {
    tone = 'danger';
    text = `${unapplied} ${unapplied === 1 ? 'setting' : 'settings'} to fix`;
    state = 'invalid';
  } else if (!pending && error) {
    tone = 'warning';
    text = 'Not checked';
  } else if (!pending && result?.valid) {
    tone = 'success';
    text = 'Ready to run';
  } else if (!pending && result) {
    tone = 'danger';
    const count = result.errors.length;
    text = `${count} ${count === 1 ? 'problem' : 'problems'}`;
  }
  return (
    <span
      className={`badge badge--${tone} validation-badge`}
      role="status"
      data-testid="validation-status"
      data-state={state}
    >
      {text}
    </span>
  );
}

/** Where the draft stands with the server, as the toolbar shows it. */
export interface SaveState {
  status: SaveStatus;
  error: Error | null;
  retry: () => void;
  /** Messages of settings holding typed text that was not applied. */
  unapplied: readonly string[];
}

function SaveStateText({ save, readOnly }: { save: SaveState; readOnly: boolean }) {
  const unappliedShown = !readOnly && save.unapplied.length > 0;
  return (
    <span
      className={`save-state save-state--${unappliedShown ? 'error' : save.status}`}
      role="status"
      title={unappliedShown ? save.unapplied.join('\n') : undefined}
    >
      {readOnly
        ? 'Read only'
        : unappliedShown
          ? 'Not saved: a setting was not applied'
          : SAVE_TEXT[save.status]}
      {save.status === 'error' && (
        <button
          type="button"
          className="link-button"
          title={save.error?.message}
          onClick={save.retry}
        >
          Retry
        </button>
      )}
    </span>
  );
}

function ImportButton({ onImport }: { onImport: (file: File) => void }) {
  const importId = useId();

  function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) {
      onImport(file);
    }
  }

  return (
    <label className="button button--compact file-button" htmlFor={importId}>
      <Icon name="upload" /> Import
      <input
        id={importId}
        type="file"
        accept=".json,application/json"
        className="visually-hidden"
        onChange={onFile}
      />
    </label>
  );
}

export interface ToolbarProps {
  name: string;
  workspaceHref: string;
  workspaceName: string;
  readOnly: boolean;
  save: SaveState;
  validation: GraphValidation;
  commands: EditorCommands;
  /** Replace the graph with a file's (Import is not offered to viewers). */
  onImport: (file: File) => void;
}

/** The editor's header: the pipeline, save state, edit tools, validation, versions and Run. */
export function EditorToolbar({
  name,
  workspaceHref,
  workspaceName,
  readOnly,
  save,
  validation,
  commands,
  onImport,
}: ToolbarProps) {
  const { versions, saveVersion, run } = commands;
  return (
    <div className="editor-toolbar">
      <div className="editor-toolbar__title">
        <h1 className="editor-toolbar__name" title={name}>
          {name}
        </h1>
        <div className="editor-toolbar__meta">
          <Link to={workspaceHref} className="editor-toolbar__back">
            <Icon name="back" />
            {workspaceName}
          </Link>
          <SaveStateText save={save} readOnly={readOnly} />
        </div>
      </div>
      <div className="editor-toolbar__tools" role="toolbar" aria-label="Edit">
        <ToolButton command={commands.undo} icon="undo" />
        <ToolButton command={commands.redo} icon="redo" />
        <span className="editor-toolbar__divider" />
        <ToolButton command={commands.copy} icon="copy" />
        <ToolButton command={commands.paste} icon="paste" />
        <ToolButton command={commands.delete} icon="trash" />
        <span className="editor-toolbar__divider" />
        <ToolButton command={commands.layout} icon="layout" />
        <ToolButton command={commands.fit} icon="fit" />
      </div>
      <div className="editor-toolbar__actions">
        <ValidationBadge validation={validation} unapplied={save.unapplied.length} />
        <button
          type="button"
          className="button button--compact"
          aria-pressed={versions.pressed}
          onClick={versions.run}
        >
          <Icon name="history" /> {versions.label}
        </button>
        <button type="button" className="button button--compact" onClick={commands.export.run}>
          <Icon name="download" /> {commands.export.label}
        </button>
        {!readOnly && <ImportButton onImport={onImport} />}
        <button
          type="button"
          className="button button--compact"
          disabled={!saveVersion.enabled}
          onClick={saveVersion.run}
          title={commandTitle(saveVersion)}
          aria-keyshortcuts={saveVersion.keys}
        >
          {saveVersion.label}
        </button>
        <button
          type="button"
          className="button button--primary button--compact"
          disabled={!run.enabled}
          onClick={run.run}
        >
          <Icon name="play" /> {run.busy ? 'Starting…' : run.label}
        </button>
      </div>
    </div>
  );
}
