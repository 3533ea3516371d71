import { useMemo } from 'react';

import { columnsForNode, inferSchemas, type SchemaSources } from '../../../graph/tableSchema';
import type { GraphContent, TableSchema } from '../../../graph/types';

/** The table a node's column fields pick from, when it can be known before running. */
export function useNodeColumns(
  graph: GraphContent,
  nodeId: string,
  sources: SchemaSources,
): TableSchema | null {
  return useMemo(
    () => columnsForNode(graph, nodeId, inferSchemas(graph, sources)),
    [graph, nodeId, sources],
  );
}
