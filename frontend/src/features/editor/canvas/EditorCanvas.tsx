import {
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  useStore,
  type ReactFlowState,
  type IsValidConnection,
  type NodeTypes,
  type OnConnect,
  type OnConnectEnd,
  type OnConnectStart,
  type OnDelete,
  type OnEdgesChange,
  type OnNodesChange,
} from '@xyflow/react';
import { memo, useCallback, useEffect, useRef, useState, type DragEvent } from 'react';

import { checkConnection, sameSideReason } from '../../../graph/connections';
import {
  connectionRequest,
  sortNodeChanges,
  type BlockFlowNode,
  type PortFlowEdge,
} from '../../../graph/flow';
import type { NodeIssues } from '../../../graph/issues';
import type { Catalogue, Position } from '../../../graph/types';
import { BLOCK_MIME } from './blockDrag';
import { BlockNode } from './BlockNode';
import { FIT_VIEW, readableViewport } from './fitView';
import { Icon } from '../commands/icons';
import { useDragPositions } from './useDragPositions';
import { useEditorStore } from '../store/useEditorStore';
import { useEditorStoreApi } from '../store/useEditorStoreApi';
import { useFlowElements } from './useFlowElements';
import { useGraphContent } from '../store/useGraphContent';
import type { GraphEdits } from '../store/useGraphEdits';

const nodeTypes: NodeTypes = { block: BlockNode };

const DELETE_KEYS = ['Delete', 'Backspace'];
const MULTI_SELECT_KEYS = ['Meta', 'Control', 'Shift'];
const HINT_MS = 4000;
const MINIMAP_SIZE = { width: 120, height: 72 };
const SNAP_GRID: [number, number] = [10, 10];

const FAMILY_COLOURS: Record<string, string> = {
  ingest: '#1d5fb8',
  feature: '#0f766e',
  train: '#7c3aed',
  evaluate: '#b45309',
  publish: '#be185d',
};

/** The ids selected after React Flow's select changes (id -> selected). */
function applySelect(current: readonly string[], changes: ReadonlyMap<string, boolean>): string[] {
  const kept = current.filter((id) => changes.get(id) !== false);
  const added = [...changes].filter(([id, on]) => on && !kept.includes(id)).map(([id]) => id);
  return [...kept, ...added];
}

/** Whether every node on the canvas has been measured (the canvas's own nodes, not the graph's). */
function allMeasured(state: ReactFlowState): boolean {
  if (state.nodeLookup.size === 0) {
    return false;
  }
  for (const node of state.nodeLookup.values()) {
    if (!node.measured.width || !node.measured.height) {
      return false;
    }
  }
  return true;
}

function miniMapColour(node: BlockFlowNode): string {
  return FAMILY_COLOURS[node.data.spec?.family ?? ''] ?? '#8b96a3';
}

/**
 * The canvas: blocks and connections, with drop, connect, select, move and delete. While blocks
 * are dragged the canvas alone shows them moving; the graph gets their positions when the drag
 * ends, as one edit.
 */
export const EditorCanvas = memo(function EditorCanvas({
  catalogue,
  issues,
  edits,
  readOnly,
  screenToFlow,
}: {
  catalogue: Catalogue;
  issues: ReadonlyMap<string, NodeIssues>;
  edits: GraphEdits;
  readOnly: boolean;
  screenToFlow: (point: Position) => Position;
}) {
  const store = useEditorStoreApi();
  const graph = useEditorStore((state) => state.graph);
  const content = useGraphContent();
  const selection = useEditorStore((state) => state.selection);
  const { positions: dragged, move: dragMove, drop: dragDrop } = useDragPositions();
  const { nodes, edges } = useFlowElements(graph, content, selection, dragged, catalogue, issues);
  const [hint, setHint] = useState<string | null>(null);
  const hintTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const flow = useReactFlow<BlockFlowNode, PortFlowEdge>();
  const measured = useStore(allMeasured);
  const canvasRef = useRef<HTMLDivElement>(null);
  // Show the graph it opens with at a readable zoom, once measured; an empty canvas stays at 100%.
  const opened = useRef(store.getState().graph.nodes.length === 0);

  const showGraph = useCallback(
    (duration?: number) => {
      const box = canvasRef.current?.getBoundingClientRect();
      const shown = flow.getNodes();
      if (!box?.width || shown.length === 0) {
        return false;
      }
      const bounds = flow.getNodesBounds(shown);
      void flow.setViewport(readableViewport(bounds, box.width, box.height), { duration });
      return true;
    },
    [flow],
  );

  const ready = flow.viewportInitialized;
  useEffect(() => {
    if (!opened.current && measured && ready) {
      opened.current = showGraph();
    }
  }, [measured, ready, showGraph]);

  const hintText = useRef<string | null>(null);

  const showHint = useCallback((text: string | null, linger = false) => {
    clearTimeout(hintTimer.current);
    hintText.current = text;
    setHint(text);
    if (text && linger) {
      hintTimer.current = setTimeout(() => setHint(null), HINT_MS);
    }
  }, []);

  const onNodesChange: OnNodesChange<BlockFlowNode> = useCallback(
    (changes) => {
      const { dragging, moved, selected } = sortNodeChanges(changes);
      if (selected.size > 0) {
        const { selection } = store.getState();
        store.setSelection({ ...selection, nodes: applySelect(selection.nodes, selected) });
      }
      if (readOnly) {
        return;
      }
      if (dragging.size > 0) {
        dragMove(dragging);
      }
      if (moved.size > 0) {
        // The end of a drag is one undo step; quick arrow-key nudges of the same blocks make one.
        const dropped = dragDrop(moved.keys());
        edits.move(moved, dropped ? undefined : `nudge:${[...moved.keys()].join(' ')}`);
      }
    },
    [dragDrop, dragMove, edits, readOnly, store],
  );

  const onEdgesChange: OnEdgesChange<PortFlowEdge> = useCallback(
    (changes) => {
      const selected = new Map<string, boolean>();
      for (const change of changes) {
        if (change.type === 'select') {
          selected.set(change.id, change.selected);
        }
      }
      if (selected.size > 0) {
        const { selection } = store.getState();
        store.setSelection({ ...selection, edges: applySelect(selection.edges, selected) });
      }
    },
    [store],
  );

  const isValidConnection: IsValidConnection<PortFlowEdge> = useCallback(
    (connection) => {
      const request = connectionRequest(connection);
      if (!request) {
        return false;
      }
      const check = checkConnection(store.getState().graph, catalogue, request);
      showHint(check.ok ? null : check.reason);
      return check.ok;
    },
    [store, catalogue, showHint],
  );

  const onConnect: OnConnect = useCallback(
    (connection) => {
      const request = connectionRequest(connection);
      if (request && !readOnly) {
        const result = edits.connect(request);
        showHint(result.ok ? null : result.reason, true);
      }
    },
    [edits, readOnly, showHint],
  );

  const onConnectStart: OnConnectStart = useCallback(() => showHint(null), [showHint]);

  const onConnectEnd: OnConnectEnd = useCallback(
    (_event, state) => {
      const { fromHandle, toHandle } = state;
      const sameSide = fromHandle && toHandle && sameSideReason(fromHandle.type, toHandle.type);
      if (sameSide) {
        showHint(sameSide, true);
      } else if (state.isValid === false && toHandle && hintText.current) {
        showHint(hintText.current, true);
      } else {
        showHint(null);
      }
    },
    [showHint],
  );

  const onDelete: OnDelete<BlockFlowNode, PortFlowEdge> = useCallback(
    ({ nodes: gone, edges: cut }) => {
      edits.remove(
        gone.map((node) => node.id),
        cut.map((edge) => edge.id),
      );
    },
    [edits],
  );

  const onDragOver = useCallback(
    (event: DragEvent<HTMLDivElement>) => {
      if (!readOnly && event.dataTransfer.types.includes(BLOCK_MIME)) {
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      }
    },
    [readOnly],
  );

  const onDrop = useCallback(
    (event: DragEvent<HTMLDivElement>) => {
      const key = event.dataTransfer.getData(BLOCK_MIME);
      const spec = catalogue.get(key);
      if (!spec || readOnly) {
        return;
      }
      event.preventDefault();
      const point = screenToFlow({ x: event.clientX, y: event.clientY });
      edits.addBlock(spec, { x: point.x - 110, y: point.y - 24 });
    },
    [catalogue, edits, readOnly, screenToFlow],
  );

  return (
    <div className="canvas" ref={canvasRef} onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<BlockFlowNode, PortFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        isValidConnection={isValidConnection}
        onConnect={onConnect}
        onConnectStart={onConnectStart}
        onConnectEnd={onConnectEnd}
        onDelete={onDelete}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        deleteKeyCode={readOnly ? null : DELETE_KEYS}
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        fitViewOptions={FIT_VIEW}
        minZoom={0.1}
        maxZoom={2}
        snapToGrid
        snapGrid={SNAP_GRID}
        aria-label="Pipeline canvas"
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
        <Controls showInteractive={false} showFitView={false}>
          <ControlButton
            className="react-flow__controls-fitview"
            title="Fit view"
            aria-label="Fit view"
            onClick={() => showGraph(200)}
          >
            <Icon name="fit" />
          </ControlButton>
        </Controls>
        {graph.nodes.length > 0 && (
          <MiniMap<BlockFlowNode>
            pannable
            zoomable
            nodeColor={miniMapColour}
            nodeStrokeWidth={2}
            style={MINIMAP_SIZE}
            ariaLabel="Minimap"
          />
        )}
      </ReactFlow>
      {graph.nodes.length === 0 && (
        <div className="canvas__empty">
          <p className="canvas__empty-title">This pipeline is empty</p>
          <p className="muted">
            {readOnly
              ? 'Nothing has been added to it yet.'
              : 'Drag a block from the palette to start, e.g. “Sample dataset”.'}
          </p>
        </div>
      )}
      <div className="canvas__hint" role="status" aria-live="polite">
        {hint && <p className="canvas__hint-text">{hint}</p>}
      </div>
    </div>
  );
});
