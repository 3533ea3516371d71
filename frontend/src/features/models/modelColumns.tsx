/** The columns a list of registered models shares, wherever it is shown. */

import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';

import type { ModelSummary } from '../../api/models';
import { Badge } from '../../ui/Badge';
import type { EntityColumn } from '../../ui/EntityTable';
import { RelativeTime } from '../../ui/RelativeTime';

/** The model's name, a link to its page, over `sub` when given. */
export function nameColumn(
  slug: string,
  sub?: (model: ModelSummary) => ReactNode,
): EntityColumn<ModelSummary> {
  return {
    header: 'Name',
    rowHeader: true,
    cell: (model) => (
      <>
        <Link to={`/w/${slug}/models/${encodeURIComponent(model.name)}`} className="cell-title">
          {model.name}
        </Link>
        {sub?.(model)}
      </>
    ),
  };
}

export const productionColumn: EntityColumn<ModelSummary> = {
  header: 'Production',
  cell: (model) =>
    model.production_version === null ? (
      <span className="muted">none</span>
    ) : (
      <Badge tone="success">v{model.production_version}</Badge>
    ),
};

export const versionsColumn: EntityColumn<ModelSummary> = {
  header: 'Versions',
  numeric: true,
  cell: (model) => model.versions,
};

export const updatedColumn: EntityColumn<ModelSummary> = {
  header: 'Updated',
  cell: (model) => <RelativeTime value={model.updated_at} />,
};
