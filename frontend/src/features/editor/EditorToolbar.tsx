import { useId, type ChangeEvent } from 'react';
import { Link } from 'react-router-dom';

import { Icon, type IconName } from './icons';
import type { SaveStatus } from './useAutosave';
import type { GraphValidation } from './useGraphValidation';

function ToolButton({
  icon,
  label,
  shortcut,
  disabled,
  onClick,
}: {
  icon: IconName;
  label: string;
  shortcut?: { label: string; keys: string };
  disabled?: boolean;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      className="tool-button"
      aria-label={label}
      title={shortcut ? `${label} (${shortcut.label})` : label}
      aria-keyshortcuts={shortcut?.keys}
      disabled={disabled}
      onClick={onClick}
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

export interface ToolbarProps {
  name: string;
  workspaceHref: string;
  workspaceName: string;
  saveStatus: SaveStatus;
  saveError: Error | null;
  onRetrySave: () => void;
  /** Messages of settings holding typed text that was not applied. */
  unapplied: readonly string[];
  validation: GraphValidation;
  readOnly: boolean;
  canUndo: boolean;
  canRedo: boolean;
  hasSelection: boolean;
  canPaste: boolean;
  onUndo: () => void;
  onRedo: () => void;
  onCopy: () => void;
  onPaste: () => void;
  onDelete: () => void;
  onLayout: () => void;
  onFit: () => void;
  onExport: () => void;
  onImport: (file: File) => void;
  versionsOpen: boolean;
  onToggleVersions: () => void;
  onSaveVersion: () => void;
  onRun: () => void;
  running: boolean;
}

/** The editor's header: the pipeline, save state, edit tools, validation, versions and Run. */
export function EditorToolbar(props: ToolbarProps) {
  const importId = useId();
  const unappliedShown = !props.readOnly && props.unapplied.length > 0;

  function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) {
      props.onImport(file);
    }
  }

  return (
    <div className="editor-toolbar">
      <div className="editor-toolbar__title">
        <h1 className="editor-toolbar__name" title={props.name}>
          {props.name}
        </h1>
        <div className="editor-toolbar__meta">
          <Link to={props.workspaceHref} className="editor-toolbar__back">
            <Icon name="back" />
            {props.workspaceName}
          </Link>
          <span
            className={`save-state save-state--${unappliedShown ? 'error' : props.saveStatus}`}
            role="status"
            title={unappliedShown ? props.unapplied.join('\n') : undefined}
          >
            {props.readOnly
              ? 'Read only'
              : unappliedShown
                ? 'Not saved: a setting was not applied'
                : SAVE_TEXT[props.saveStatus]}
            {props.saveStatus === 'error' && (
              <button
                type="button"
                className="link-button"
                title={props.saveError?.message}
                onClick={props.onRetrySave}
              >
                Retry
              </button>
            )}
          </span>
        </div>
      </div>
      <div className="editor-toolbar__tools" role="toolbar" aria-label="Edit">
        <ToolButton
          icon="undo"
          label="Undo"
          shortcut={{ label: 'Ctrl/⌘+Z', keys: 'Control+Z Meta+Z' }}
          disabled={props.readOnly || !props.canUndo}
          onClick={props.onUndo}
        />
        <ToolButton
          icon="redo"
          label="Redo"
          shortcut={{ label: 'Ctrl/⌘+Shift+Z', keys: 'Control+Shift+Z Meta+Shift+Z Control+Y' }}
          disabled={props.readOnly || !props.canRedo}
          onClick={props.onRedo}
        />
        <span className="editor-toolbar__divider" />
        <ToolButton
          icon="copy"
          label="Copy"
          shortcut={{ label: 'Ctrl/⌘+C', keys: 'Control+C Meta+C' }}
          disabled={!props.hasSelection}
          onClick={props.onCopy}
        />
        <ToolButton
          icon="paste"
          label="Paste"
          shortcut={{ label: 'Ctrl/⌘+V', keys: 'Control+V Meta+V' }}
          disabled={props.readOnly || !props.canPaste}
          onClick={props.onPaste}
        />
        <ToolButton
          icon="trash"
          label="Delete selection"
          shortcut={{ label: 'Delete', keys: 'Delete Backspace' }}
          disabled={props.readOnly || !props.hasSelection}
          onClick={props.onDelete}
        />
        <span className="editor-toolbar__divider" />
        <ToolButton
          icon="layout"
          label="Auto-layout"
          disabled={props.readOnly}
          onClick={props.onLayout}
        />
        <ToolButton icon="fit" label="Zoom to fit" onClick={props.onFit} />
      </div>
      <div className="editor-toolbar__actions">
        <ValidationBadge validation={props.validation} unapplied={props.unapplied.length} />
        <button
          type="button"
          className="button button--compact"
          aria-pressed={props.versionsOpen}
          onClick={props.onToggleVersions}
        >
          <Icon name="history" /> Versions
        </button>
        <button type="button" className="button button--compact" onClick={props.onExport}>
          <Icon name="download" /> Export
        </button>
        {!props.readOnly && (
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
        )}
        <button
          type="button"
          className="button button--compact"
          disabled={props.readOnly}
          onClick={props.onSaveVersion}
          title="Save a version (Ctrl/⌘+S)"
          aria-keyshortcuts="Control+S Meta+S"
        >
          Save version
        </button>
        <button
          type="button"
          className="button button--primary button--compact"
          disabled={props.readOnly || props.running}
          onClick={props.onRun}
        >
          <Icon name="play" /> {props.running ? 'Starting…' : 'Run'}
        </button>
      </div>
    </div>
  );
}
