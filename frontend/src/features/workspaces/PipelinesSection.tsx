import { Link } from 'react-router-dom';

import { useExpandingPipelines } from '../../api/workspaces';
import { EntityTable } from '../../ui/EntityTable';
import { ListSection } from '../../ui/ListSection';
import { RelativeTime } from '../../ui/RelativeTime';

/** The workspace's pipelines, last edited first, 20 at a time. */
export function PipelinesSection({ slug }: { slug: string }) {
  const pipelines = useExpandingPipelines(slug, 20);

  return (
    <ListSection
      title="Pipelines"
      noun="pipelines"
      query={pipelines}
      more={pipelines}
      action={{ to: `/w/${slug}/pipelines/new`, label: 'New pipeline' }}
      empty={{
        title: 'No pipelines yet',
        text: 'A pipeline wires blocks from ingest to publish: load data, shape features, train, evaluate and serve a model.',
      }}
    >
      {(list) => (
        <EntityTable
          items={list.results}
          itemKey={(pipeline) => pipeline.id}
          columns={[
            {
              header: 'Name',
              rowHeader: true,
              cell: (pipeline) => (
                <>
                  <Link to={`/w/${slug}/pipelines/${pipeline.id}`} className="cell-title">
                    {pipeline.name}
                  </Link>
                  {pipeline.description && <span className="cell-sub">{pipeline.description}</span>}
                </>
              ),
            },
            { header: 'Blocks', numeric: true, cell: (pipeline) => pipeline.node_count },
            {
              header: 'Latest version',
              cell: (pipeline) =>
                pipeline.latest_version === null ? (
                  <span className="muted">Draft only</span>
                ) : (
                  `v${pipeline.latest_version}`
                ),
            },
            {
              header: 'Updated',
              cell: (pipeline) => <RelativeTime value={pipeline.updated_at} />,
            },
          ]}
        />
      )}
    </ListSection>
  );
}
