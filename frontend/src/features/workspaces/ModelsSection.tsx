import { useExpandingModels } from '../../api/models';
import { EntityTable } from '../../ui/EntityTable';
import { ListSection } from '../../ui/ListSection';
import {
  nameColumn,
  productionColumn,
  updatedColumn,
  versionsColumn,
} from '../models/modelColumns';

/** The workspace's registered models by name, 10 at a time. */
export function ModelsSection({ slug }: { slug: string }) {
  const models = useExpandingModels(slug, 10);

  return (
    <ListSection
      title="Models"
      noun="models"
      query={models}
      more={models}
      action={{ to: `/w/${slug}/models`, label: 'All models' }}
      empty={{
        title: 'No models yet',
        text: 'A pipeline with a Publish block registers its model here.',
      }}
    >
      {(list) => (
        <EntityTable
          items={list.results}
          itemKey={(model) => model.name}
          columns={[nameColumn(slug), productionColumn, versionsColumn, updatedColumn]}
        />
      )}
    </ListSection>
  );
}
