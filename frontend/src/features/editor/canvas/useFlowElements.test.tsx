import { renderHook } from '@testing-library/react';
import { ReactFlowProvider, useStoreApi, type InternalNode } from '@xyflow/react';
import { describe, expect, it } from 'vitest';

import { graphContent } from '../../../graph/content';
import { moveNodes, setConfigValue } from '../../../graph/edit';
import type { NodeIssues } from '../../../graph/issues';
import type { Graph, GraphContent, Position } from '../../../graph/types';
import { CATALOGUE } from '../../../test/blocks';
import { NO_SELECTION, type Selection } from '../store/editorStore';
import { useFlowElements } from './useFlowElements';

const GRAPH: Graph = {
  nodes: [
    { id: 'iris', block: 'ingest.sample', config: { name: 'iris' }, position: { x: 0, y: 0 } },
    { id: 'split', block: 'feature.split', config: {}, position: { x: 280, y: 0 } },
  ],
  edges: [{ source: 'iris', source_port: 'table', target: 'split', target_port: 'table' }],
};

const NO_ISSUES: ReadonlyMap<string, NodeIssues> = new Map();
const NOT_DRAGGED: ReadonlyMap<string, Position> = new Map();

interface Props {
  graph: Graph;
  content: GraphContent;
  selection: Selection;
  dragged: ReadonlyMap<string, Position>;
  issues?: ReadonlyMap<string, NodeIssues>;
}

function renderElements(initial: Props) {
  return renderHook(
    ({ graph, content, selection, dragged, issues = NO_ISSUES }: Props) =>
      useFlowElements(graph, content, selection, dragged, CATALOGUE, issues),
    { initialProps: initial, wrapper: ReactFlowProvider },
  );
}

const OPENED: Props = {
  graph: GRAPH,
  content: GRAPH,
  selection: NO_SELECTION,
  dragged: NOT_DRAGGED,
};

describe('useFlowElements', () => {
  it('shows dragged nodes where the drag is, and redraws only them', () => {
    const { result, rerender } = renderElements(OPENED);
    const before = result.current;
    rerender({ ...OPENED, dragged: new Map([['split', { x: 400, y: 30 }]]) });
    const [iris, split] = result.current.nodes;
    expect(iris).toBe(before.nodes[0]);
    expect(split?.position).toEqual({ x: 400, y: 30 });
    expect(split?.data).toBe(before.nodes[1]?.data);
    expect(result.current.edges).toBe(before.edges);
  });

  it('gives a node again once the canvas has measured it, so the minimap can draw it', () => {
    const { result, rerender } = renderHook(
      ({ issues }: { issues: ReadonlyMap<string, NodeIssues> }) => ({
        elements: useFlowElements(GRAPH, GRAPH, NO_SELECTION, NOT_DRAGGED, CATALOGUE, issues),
        store: useStoreApi(),
      }),
      { initialProps: { issues: NO_ISSUES }, wrapper: ReactFlowProvider },
    );
    const before = result.current.elements.nodes;
    expect(before[0]?.measured).toBeUndefined();
    const measuredIris = { measured: { width: 220, height: 90 } } as unknown as InternalNode;
    result.current.store.getState().nodeLookup.set('iris', measuredIris);
    rerender({ issues: new Map() });
    const [iris, split] = result.current.elements.nodes;
    expect(iris?.measured).toEqual({ width: 220, height: 90 });
    expect(iris?.data).toBe(before[0]?.data);
    expect(split).toBe(before[1]);
  });

  it('keeps the edges when only positions change', () => {
    const { result, rerender } = renderElements(OPENED);
    const before = result.current;
    const moved = moveNodes(GRAPH, new Map([['split', { x: 400, y: 30 }]]));
    rerender({ ...OPENED, graph: moved, content: graphContent(moved, GRAPH) });
    expect(result.current.edges).toBe(before.edges);
    expect(result.current.nodes[0]).toBe(before.nodes[0]);
    expect(result.current.nodes[1]?.position).toEqual({ x: 400, y: 30 });
  });

  it('keeps what a node shows when only its selection changes', () => {
    const { result, rerender } = renderElements(OPENED);
    const before = result.current.nodes[1];
    rerender({ ...OPENED, selection: { nodes: ['split'], edges: [] } });
    expect(result.current.nodes[1]).not.toBe(before);
    expect(result.current.nodes[1]?.selected).toBe(true);
    expect(result.current.nodes[1]?.data).toBe(before?.data);
  });

  it('gives the same lists when nothing shown changed (a new answer with no problems)', () => {
    const { result, rerender } = renderElements(OPENED);
    const before = result.current;
    rerender({ ...OPENED, issues: new Map() });
    expect(result.current.nodes).toBe(before.nodes);
    const problems: NodeIssues = { messages: ['Bad'], ports: {}, fields: {} };
    rerender({ ...OPENED, issues: new Map([['split', problems]]) });
    expect(result.current.nodes).not.toBe(before.nodes);
    expect(result.current.nodes[1]?.data.issues).toBe(problems);
  });

  it('makes new elements for an edit', () => {
    const { result, rerender } = renderElements(OPENED);
    const before = result.current;
    const edited = setConfigValue(GRAPH, 'split', 'seed', 1);
    rerender({ ...OPENED, graph: edited, content: graphContent(edited, GRAPH) });
    expect(result.current.nodes[1]?.data.node).toBe(edited.nodes[1]);
    expect(result.current.nodes[0]).toBe(before.nodes[0]);
  });
});
