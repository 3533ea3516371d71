import { Link } from 'react-router-dom';

import { useExpandingModels } from '../../api/models';
import { Badge } from '../../ui/Badge';
import { Count } from '../../ui/Count';
import { ShowMore } from '../../ui/Pager';
import { QueryState } from '../../ui/QueryState';
import { RelativeTime } from '../../ui/RelativeTime';
import { Section } from '../../ui/Section';

/** The workspace's registered models by name, 10 at a time. */
export function ModelsSection({ slug }: { slug: string }) {
  const models = useExpandingModels(slug, 10);

  return (
    <Section
      title="Models"
      meta={
        <>
          <Count value={models.data?.count} noun="models" />
          <Link to={`/w/${slug}/models`} className="card__action">
            All models
          </Link>
        </>
      }
    >
      <QueryState
        query={models}
        noun="models"
        isEmpty={(list) => list.results.length === 0}
        empty={
          <>
            <p className="empty-state__title">No models yet</p>
            <p className="muted">A pipeline with a Publish block registers its model here.</p>
          </>
        }
      >
        {(list) => (
          <>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Production</th>
                  <th scope="col" className="num">
                    Versions
                  </th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {list.results.map((model) => (
                  <tr key={model.name}>
                    <th scope="row">
                      <Link
                        to={`/w/${slug}/models/${encodeURIComponent(model.name)}`}
                        className="cell-title"
                      >
                        {model.name}
                      </Link>
                    </th>
                    <td>
                      {model.production_version === null ? (
                        <span className="muted">none</span>
                      ) : (
                        <Badge tone="success">v{model.production_version}</Badge>
                      )}
                    </td>
                    <td className="num">{model.versions}</td>
                    <td>
                      <RelativeTime value={model.updated_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <ShowMore list={models} shown={list.results.length} total={list.count} noun="models" />
          </>
        )}
      </QueryState>
    </Section>
  );
}
