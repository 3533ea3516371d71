import { useId, useRef, useState, type DragEvent, type FormEvent } from 'react';

import { ApiError } from '../../api/client';
import { useUploadDataset, type DatasetDetail } from '../../api/datasets';
import type { UploadProgress } from '../../api/upload';
import { formatBytes } from '../../ui/format';
import { ProgressBar } from '../../ui/ProgressBar';
import { uploadErrorDetail } from './uploadErrors';

const ACCEPT = '.csv,.parquet,.pq,text/csv,application/vnd.apache.parquet';

/** Choose or drop a CSV or Parquet file, optionally name it, and upload it with progress. */
export function UploadForm({
  slug,
  onUploaded,
}: {
  slug: string;
  onUploaded: (dataset: DatasetDetail, created: boolean) => void;
}) {
  const id = useId();
  const upload = useUploadDataset(slug);
  const input = useRef<HTMLInputElement>(null);
  const abort = useRef<AbortController | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [dragging, setDragging] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  function choose(chosen: File | null) {
    setFile(chosen);
    setNotice(null);
    upload.reset();
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0] ?? null);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) {
      return;
    }
    const controller = new AbortController();
    abort.current = controller;
    setProgress({ loaded: 0, total: file.size });
    upload.mutate(
      { file, name: name.trim() || undefined, onProgress: setProgress, signal: controller.signal },
      {
        onSuccess: ({ dataset, created }) => {
          setNotice(
            created
              ? `Uploaded “${dataset.name}”.`
              : `The same file is already here as “${dataset.name}”; nothing was added.`,
          );
          setFile(null);
          setName('');
          if (input.current) {
            input.current.value = '';
          }
          onUploaded(dataset, created);
        },
        onSettled: () => {
          abort.current = null;
          setProgress(null);
        },
      },
    );
  }

  const error = upload.error;
  const cancelled = error instanceof DOMException && error.name === 'AbortError';
  const detail = error instanceof ApiError ? uploadErrorDetail(error) : null;

  return (
    <form className="upload" onSubmit={onSubmit} aria-label="Upload a dataset">
      <div
        className={`dropzone${dragging ? ' dropzone--active' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <input
          ref={input}
          id={`${id}-file`}
          type="file"
          accept={ACCEPT}
          className="visually-hidden"
          onChange={(event) => choose(event.target.files?.[0] ?? null)}
          disabled={upload.isPending}
        />
        <label htmlFor={`${id}-file`} className="button">
          Choose a file
        </label>
        <span className="muted">
          {file ? (
            <>
              <strong className="dropzone__file">{file.name}</strong> · {formatBytes(file.size)}
            </>
          ) : (
            'or drop a CSV or Parquet file here'
          )}
        </span>
      </div>
      <div className="upload__row">
        <div className="field field--inline upload__name">
          <label htmlFor={`${id}-name`}>Name (optional)</label>
          <input
            id={`${id}-name`}
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder={file ? file.name.replace(/\.[^.]+$/, '') : 'From the file name'}
            maxLength={200}
            disabled={upload.isPending}
          />
        </div>
        <button
          type="submit"
          className="button button--primary"
          disabled={!file || upload.isPending}
        >
          Upload
        </button>
        {upload.isPending && (
          <button type="button" className="button" onClick={() => abort.current?.abort()}>
            Cancel
          </button>
        )}
      </div>
      {progress && (
        <ProgressBar
          value={progress.total > 0 ? progress.loaded / progress.total : 0}
          label={
            progress.loaded >= progress.total
              ? 'Reading the file on the server…'
              : `Uploading ${formatBytes(progress.loaded)} of ${formatBytes(progress.total)}`
          }
        />
      )}
      {error && !cancelled && (
        <div className="form-error" role="alert">
          <p>{error.message}</p>
          {detail && <p className="small">{detail}</p>}
        </div>
      )}
      {cancelled && <p className="muted small">Upload cancelled.</p>}
      {notice && (
        <p className="form-success" role="status">
          {notice}
        </p>
      )}
    </form>
  );
}
