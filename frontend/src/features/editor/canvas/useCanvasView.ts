import { useReactFlow } from '@xyflow/react';
import { useCallback, useMemo, type RefObject } from 'react';

import { DEFAULT_NODE_SIZE, freePosition, type Size } from '../../../graph/layout';
import type { BlockSpec, Position } from '../../../graph/types';
import type { EditorStore } from '../store/editorStore';
import type { GraphEdits } from '../store/useGraphEdits';
import { FIT_VIEW, layoutWidth, readableViewport } from './fitView';

const FIT_VIEW_ANIMATED = { ...FIT_VIEW, duration: 200 };

export interface CanvasView {
  /** Zoom to fit the graph, at a readable zoom. */
  fit(): void;
  /** Auto-layout (an undoable edit) with the blocks' measured sizes, then fit. */
  layout(): void;
  screenToFlow(point: Position): Position;
  /** Add a block at the middle of the view, where it overlaps no other. */
  addAtCentre(spec: BlockSpec): void;
  /** Select a node and bring it into view. */
  showNode(id: string): void;
}

/**
 * What the editor does with the canvas's view: zoom, layout, and where things go on it.
 * `canvasRef` is the box the canvas fills: its size decides the zoom to fit and the width of
 * an auto-layout.
 */
export function useCanvasView(
  store: EditorStore,
  edits: GraphEdits,
  canvasRef: RefObject<HTMLDivElement | null>,
): CanvasView {
  const flow = useReactFlow();

  const fit = useCallback(() => {
    requestAnimationFrame(() => {
      const box = canvasRef.current?.getBoundingClientRect();
      const nodes = flow.getNodes();
      if (!box?.width || nodes.length === 0) {
        void flow.fitView(FIT_VIEW_ANIMATED);
        return;
      }
      const bounds = flow.getNodesBounds(nodes);
      void flow.setViewport(readableViewport(bounds, box.width, box.height), { duration: 200 });
    });
  }, [canvasRef, flow]);

  const layout = useCallback(() => {
    const sizes = new Map<string, Size>();
    for (const node of store.getState().graph.nodes) {
      const measured = flow.getInternalNode(node.id)?.measured;
      if (measured?.width && measured.height) {
        sizes.set(node.id, { width: measured.width, height: measured.height });
      }
    }
    const width = canvasRef.current?.getBoundingClientRect().width;
    edits.layout(sizes, width ? layoutWidth(width) : undefined);
    fit();
  }, [canvasRef, edits, fit, flow, store]);

  const screenToFlow = useCallback((point: Position) => flow.screenToFlowPosition(point), [flow]);

  const addAtCentre = useCallback(
    (spec: BlockSpec) => {
      const box = canvasRef.current?.getBoundingClientRect();
      const centre = box
        ? flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 })
        : { x: 0, y: 0 };
      const start = { x: centre.x - DEFAULT_NODE_SIZE.width / 2, y: centre.y - 50 };
      edits.addBlock(spec, freePosition(store.getState().graph, start));
    },
    [canvasRef, edits, flow, store],
  );

  const showNode = useCallback(
    (id: string) => {
      store.setSelection({ nodes: [id], edges: [] });
      void flow.fitView({ nodes: [{ id }], duration: 300, maxZoom: 1.2, padding: 0.6 });
    },
    [flow, store],
  );

  return useMemo(
    () => ({ fit, layout, screenToFlow, addAtCentre, showNode }),
    [fit, layout, screenToFlow, addAtCentre, showNode],
  );
}
