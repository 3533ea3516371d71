import { Link } from 'react-router-dom';

import { useExpandingDatasets } from '../../api/datasets';
import { EntityTable } from '../../ui/EntityTable';
import { ListSection } from '../../ui/ListSection';
import {
  addedColumn,
  formatColumn,
  nameColumn,
  rowsColumn,
  sizeColumn,
} from '../datasets/datasetColumns';

/** The workspace's latest datasets, 10 at a time. */
export function DatasetsSection({ slug }: { slug: string }) {
  const datasets = useExpandingDatasets(slug, 10);

  return (
    <ListSection
      title="Datasets"
      noun="datasets"
      query={datasets}
      more={datasets}
      action={{ to: `/w/${slug}/datasets`, label: 'Upload and browse' }}
      empty={{
        title: 'No datasets yet',
        text: 'Upload a CSV or Parquet file to use it in a pipeline.',
      }}
    >
      {(list) => (
        <EntityTable
          items={list.results}
          itemKey={(dataset) => dataset.id}
          columns={[
            nameColumn((dataset) => (
              <Link to={`/w/${slug}/datasets?dataset=${dataset.id}`} className="cell-title">
                {dataset.name}
              </Link>
            )),
            formatColumn,
            rowsColumn,
            sizeColumn,
            addedColumn(),
          ]}
        />
      )}
    </ListSection>
  );
}
