import { useMemo } from 'react';

import { useAllDatasets } from '../../../api/datasets';
import type { SchemaSources } from '../../../graph/tableSchema';
import type { DatasetChoices } from './ConfigControls';

/** The workspace's datasets: the dataset picker's options and their schemas for column pickers. */
export function useDatasetChoices(slug: string): {
  choices: DatasetChoices;
  sources: SchemaSources;
} {
  const datasets = useAllDatasets(slug);
  return useMemo(() => {
    const results = datasets.data?.results ?? [];
    const byId = new Map(results.map((dataset) => [dataset.id, dataset]));
    const status = datasets.isPending ? 'loading' : datasets.isError ? 'error' : 'ready';
    return {
      choices: {
        status,
        options: results.map((dataset) => ({
          id: dataset.id,
          name: dataset.name,
          rows: dataset.row_count,
        })),
        uploadHref: `/w/${encodeURIComponent(slug)}/datasets`,
      },
      sources: {
        datasetColumns: (id) =>
          byId.get(id)?.schema?.map((column) => ({ name: column.name, dtype: column.dtype })),
      },
    };
  }, [datasets.data, datasets.isPending, datasets.isError, slug]);
}
