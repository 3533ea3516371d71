/** The columns a list of datasets shares, wherever it is shown. */

import type { ReactNode } from 'react';

import type { DatasetDetail } from '../../api/datasets';
import { Badge } from '../../ui/Badge';
import type { EntityColumn } from '../../ui/EntityTable';
import { formatBytes, formatCount } from '../../ui/format';
import { RelativeTime } from '../../ui/RelativeTime';

/** The dataset's name (`title`: a link or a button to it), over its file's name when that differs. */
export function nameColumn(
  title: (dataset: DatasetDetail) => ReactNode,
): EntityColumn<DatasetDetail> {
  return {
    header: 'Name',
    rowHeader: true,
    cell: (dataset) => (
      <>
        {title(dataset)}
        {dataset.original_filename && dataset.original_filename !== dataset.name && (
          <span className="cell-sub">{dataset.original_filename}</span>
        )}
      </>
    ),
  };
}

export const formatColumn: EntityColumn<DatasetDetail> = {
  header: 'Format',
  cell: (dataset) => <Badge>{dataset.format.toUpperCase()}</Badge>,
};

export const rowsColumn: EntityColumn<DatasetDetail> = {
  header: 'Rows',
  numeric: true,
  cell: (dataset) => formatCount(dataset.row_count),
};

export const sizeColumn: EntityColumn<DatasetDetail> = {
  header: 'Size',
  numeric: true,
  cell: (dataset) => formatBytes(dataset.size_bytes),
};

/** When the dataset was added, and by whom when `by`. */
export function addedColumn(by = false): EntityColumn<DatasetDetail> {
  return {
    header: 'Added',
    cell: (dataset) => (
      <>
        <RelativeTime value={dataset.created_at} />
        {by && dataset.created_by && <span className="cell-sub">{dataset.created_by}</span>}
      </>
    ),
  };
}
