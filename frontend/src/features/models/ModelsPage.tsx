import { useCallback } from 'react';
import { Link, useParams } from 'react-router-dom';

import { useModelPage } from '../../api/models';
import { pageCount } from '../../api/pages';
import { Badge } from '../../ui/Badge';
import { Count } from '../../ui/Count';
import { formatCount } from '../../ui/format';
import { Pager } from '../../ui/Pager';
import { QueryState } from '../../ui/QueryState';
import { RelativeTime } from '../../ui/RelativeTime';
import { Section } from '../../ui/Section';
import { usePageParam } from '../../ui/usePageParam';
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
      <div className="page-header">
        <div>
          <p className="eyebrow">
            <Link to={`/w/${slug}`}>Workspace</Link>
          </p>
          <h1>Models</h1>
        </div>
      </div>
      <Section title="Registered models" meta={<Count value={models.data?.count} noun="models" />}>
        <QueryState
          query={models}
          noun="models"
          isEmpty={(data) => data.results.length === 0}
          empty={
            <>
              <p className="empty-state__title">No models yet</p>
              <p className="muted">
                A pipeline ending in a Publish block registers its model here when it runs.
              </p>
            </>
          }
        >
          {(data) => (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col" className="num">
                    Versions
                  </th>
                  <th scope="col">Production</th>
                  <th scope="col" className="num">
                    Requests
                  </th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {data.results.map((model) => (
                  <tr key={model.name}>
                    <th scope="row">
                      <Link
                        className="cell-title"
                        to={`/w/${slug}/models/${encodeURIComponent(model.name)}`}
                      >
                        {model.name}
                      </Link>
                      <span className="cell-sub">latest v{model.latest_version}</span>
                    </th>
                    <td className="num">{model.versions}</td>
                    <td>
                      {model.production_version === null ? (
                        <span className="muted">none</span>
                      ) : (
                        <Badge tone="success">v{model.production_version}</Badge>
                      )}
                    </td>
                    <td className="num">{formatCount(model.requests)}</td>
                    <td>
                      <RelativeTime value={model.updated_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
        <Pager page={page} pages={pages} noun="models" onChange={setPage} />
      </Section>
    </div>
  );
}
