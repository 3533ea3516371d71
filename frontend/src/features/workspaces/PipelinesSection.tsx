import { Link } from 'react-router-dom';

import { useExpandingPipelines } from '../../api/workspaces';
import { Count } from '../../ui/Count';
import { ShowMore } from '../../ui/Pager';
import { QueryState } from '../../ui/QueryState';
import { RelativeTime } from '../../ui/RelativeTime';
import { Section } from '../../ui/Section';

/** The workspace's pipelines, last edited first, 20 at a time. */
export function PipelinesSection({ slug }: { slug: string }) {
  const pipelines = useExpandingPipelines(slug, 20);

  return (
    <Section
      title="Pipelines"
      meta={
        <>
          <Count value={pipelines.data?.count} noun="pipelines" />
          <Link to={`/w/${slug}/pipelines/new`} className="card__action">
            New pipeline
          </Link>
        </>
      }
    >
      <QueryState
        query={pipelines}
        noun="pipelines"
        isEmpty={(list) => list.results.length === 0}
        empty={
          <>
            <p className="empty-state__title">No pipelines yet</p>
            <p className="muted">
              A pipeline wires blocks from ingest to publish: load data, shape features, train,
              evaluate and serve a model.
            </p>
          </>
        }
      >
        {(list) => (
          <>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col" className="num">
                    Blocks
                  </th>
                  <th scope="col">Latest version</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {list.results.map((pipeline) => (
                  <tr key={pipeline.id}>
                    <th scope="row">
                      <Link to={`/w/${slug}/pipelines/${pipeline.id}`} className="cell-title">
                        {pipeline.name}
                      </Link>
                      {pipeline.description && (
                        <span className="cell-sub">{pipeline.description}</span>
                      )}
                    </th>
                    <td className="num">{pipeline.node_count}</td>
                    <td>
                      {pipeline.latest_version === null ? (
                        <span className="muted">Draft only</span>
                      ) : (
                        `v${pipeline.latest_version}`
                      )}
                    </td>
                    <td>
                      <RelativeTime value={pipeline.updated_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <ShowMore
              list={pipelines}
              shown={list.results.length}
              total={list.count}
              noun="pipelines"
            />
          </>
        )}
      </QueryState>
    </Section>
  );
}
