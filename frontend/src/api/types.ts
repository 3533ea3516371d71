/** Payloads of the REST API, as the browser app reads them. */

export interface User {
  id: number;
  username: string;
  first_name: string;
  last_name: string;
  email: string;
}

/** One page of a list endpoint. */
export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export type Role = 'owner' | 'editor' | 'viewer';

export interface Workspace {
  id: number;
  name: string;
  slug: string;
  role: Role | null;
  created_at: string;
}

export interface PipelineSummary {
  id: number;
  name: string;
  description: string;
  revision: number;
  latest_version: number | null;
  node_count: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface Dataset {
  id: number;
  name: string;
  original_filename: string;
  format: string;
  content_hash: string;
  size_bytes: number;
  row_count: number | null;
  created_by: string | null;
  created_at: string;
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface RunSummary {
  id: number;
  pipeline: number;
  version: number;
  status: RunStatus;
  created_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}
