import { useCallback } from 'react';
import { Link, useParams } from 'react-router-dom';

import { useModelPage } from '../../api/models';
import { pageCount } from '../../api/pages';
import { EntityTable } from '../../ui/EntityTable';
import { formatCount } from '../../ui/format';
import { ListSection } from '../../ui/ListSection';
import { PageHeader } from '../../ui/PageHeader';
import { Pager } from '../../ui/Pager';
import { usePageParam } from '../../ui/usePageParam';
import { nameColumn, productionColumn, updatedColumn, versionsColumn } from './modelColumns';
import './models.css';

const PAGE_SIZE = 25;

/** /w/:slug/models — the workspace's registered models, a page at a time. */
export function ModelsPage() {
  const { slug = '' } = useParams();
  const [page, setPage] = usePageParam();
  const backToFirst = useCallback(() => setPage(1, { replace: true }), [setPage]);
  const models = useModelPage(slug, page, PAGE_SIZE, backToFirst);
  const pages = models.data ? pageCount(models.data.count, PAGE_SIZE) : 1;

  return (
    <div className="page">
      <title>Models · Tributary</title>
      <PageHeader eyebrow={<Link to={`/w/${slug}`}>Workspace</Link>} title="Models" />
      <ListSection
        title="Registered models"
        noun="models"
        query={models}
        empty={{
          title: 'No models yet',
          text: 'A pipeline ending in a Publish block registers its model here when it runs.',
        }}
        footer={<Pager page={page} pages={pages} noun="models" onChange={setPage} />}
      >
        {(data) => (
          <EntityTable
            items={data.results}
            itemKey={(model) => model.name}
            columns={[
              nameColumn(slug, (model) => (
                <span className="cell-sub">latest v{model.latest_version}</span>
              )),
              versionsColumn,
              productionColumn,
              {
                header: 'Requests',
                numeric: true,
                cell: (model) => formatCount(model.requests),
              },
              updatedColumn,
            ]}
          />
        )}
      </ListSection>
    </div>
  );
}
