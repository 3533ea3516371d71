import {
  Background,
  Controls,
  ReactFlow,
  type NodeChange,
  type NodeTypes,
  type OnNodesChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useMemo } from 'react';

import type { PipelineGraph, Step } from '../../api/runTypes';
import { RunNode } from './RunNode';
import { toFlowEdges, toFlowNodes, type RunFlowNode } from './runGraph';

const nodeTypes: NodeTypes = { run: RunNode };

const FIT_VIEW_OPTIONS = { padding: 0.15, maxZoom: 1.1 };

/** The pipeline version drawn read-only, each node coloured by its step's live status. */
export function RunGraph({
  graph,
  steps,
  blockTitles,
  selected,
  onSelect,
}: {
  graph: PipelineGraph;
  steps: Step[];
  blockTitles: ReadonlyMap<string, string>;
  selected: string | null;
  onSelect: (node: string) => void;
}) {
  const nodes = useMemo(
    () => toFlowNodes(graph, steps, blockTitles, selected),
    [graph, steps, blockTitles, selected],
  );
  const edges = useMemo(() => toFlowEdges(graph, steps), [graph, steps]);

  // Clicking a node, or Enter on a focused one, selects it; that opens its details.
  const onNodesChange: OnNodesChange<RunFlowNode> = useCallback(
    (changes: NodeChange<RunFlowNode>[]) => {
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
