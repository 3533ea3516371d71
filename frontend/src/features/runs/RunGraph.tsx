import {
  Background,
  Controls,
  ReactFlow,
  type NodeChange,
  type NodeTypes,
  type OnNodesChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useMemo, useState } from 'react';

import type { Step } from '../../api/runTypes';
import type { Size } from '../../graph/layout';
import type { Graph } from '../../graph/types';
import { RunNode } from './RunNode';
import { toFlowEdges, toFlowNodes, withMeasuredSizes, type RunFlowNode } from './runGraph';

const nodeTypes: NodeTypes = { run: RunNode };

const FIT_VIEW_OPTIONS = { padding: 0.15, maxZoom: 1.1 };

/** The pipeline version drawn read-only, each node coloured by its step's live status. */
export function RunGraph({
  graph,
  steps,
  blockTitles,
  selected,
  onSelect,
  warnings,
}: {
  graph: Graph;
  steps: Step[];
  blockTitles: ReadonlyMap<string, string>;
  selected: string | null;
  onSelect: (node: string) => void;
  /** Warning lines by node, from the run's logs. */
  warnings?: ReadonlyMap<string, readonly string[]>;
}) {
  const [sizes, setSizes] = useState<ReadonlyMap<string, Size>>(() => new Map());
  const nodes = useMemo(
    () => toFlowNodes(graph, steps, blockTitles, selected, sizes, warnings),
    [graph, steps, blockTitles, selected, sizes, warnings],
  );
  const edges = useMemo(() => toFlowEdges(graph, steps), [graph, steps]);

  // Clicking a node, or Enter on a focused one, selects it; that opens its details. Measured
  // sizes are kept: without them, the nodes of the next live update would stay hidden.
  const onNodesChange: OnNodesChange<RunFlowNode> = useCallback(
    (changes: NodeChange<RunFlowNode>[]) => {
      setSizes((known) => withMeasuredSizes(known, changes));
      for (const change of changes) {
        if (change.type === 'select' && change.selected) {
          onSelect(change.id);
        }
      }
    },
    [onSelect],
  );

  return (
    <div className="run-graph" aria-label="Pipeline graph" role="region">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        deleteKeyCode={null}
        fitView
        fitViewOptions={FIT_VIEW_OPTIONS}
        minZoom={0.2}
      >
        <Background gap={20} color="#e3e8ee" />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
