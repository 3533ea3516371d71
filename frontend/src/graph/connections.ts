/** Which connections the editor accepts, and why it refuses the others. */

import { hasPath } from './topo';
import type { BlockSpec, Catalogue, Graph, GraphEdge, NodeContent } from './types';

/** A connection being made: from an output port to an input port. */
export interface ConnectionRequest {
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
}

export type ConnectionCheck = { ok: true } | { ok: false; reason: string };

function refuse(reason: string): ConnectionCheck {
  return { ok: false, reason };
}

/** How a node is called in messages: its label, else its block's title, else its id. */
export function nodeName(node: NodeContent, spec: BlockSpec | undefined): string {
  return node.label || spec?.title || node.id;
}

function article(type: string): string {
  return /^[aeiou]/i.test(type) ? 'an' : 'a';
}

/**
 * Check a connection against the rules: both ports exist, their types match, the input is not
 * already connected, and the graph stays acyclic. A refusal says why, in words for a person.
 */
export function checkConnection(
  graph: Graph,
  catalogue: Catalogue,
  request: ConnectionRequest,
): ConnectionCheck {
  const source = graph.nodes.find((node) => node.id === request.source);
  const target = graph.nodes.find((node) => node.id === request.target);
  if (!source || !target) {
    return refuse('That block is no longer on the canvas.');
  }
  const sourceSpec = catalogue.get(source.block);
  const targetSpec = catalogue.get(target.block);
  const sourceName = nodeName(source, sourceSpec);
  const targetName = nodeName(target, targetSpec);
  if (source.id === target.id) {
    return refuse(`“${sourceName}” cannot feed itself: connect it to another block.`);
  }
  const output = sourceSpec?.outputs.find((port) => port.name === request.sourcePort);
  if (!output) {
    return refuse(`“${sourceName}” has no output “${request.sourcePort}”.`);
  }
  const input = targetSpec?.inputs.find((port) => port.name === request.targetPort);
  if (!input) {
    return refuse(`“${targetName}” has no input “${request.targetPort}”.`);
  }
  if (output.type !== input.type) {
    return refuse(
      `Types differ: “${output.name}” of “${sourceName}” gives ${article(output.type)} ` +
        `${output.type}, but “${input.name}” of “${targetName}” takes ${article(input.type)} ` +
        `${input.type}.`,
    );
  }
  const taken = graph.edges.find(
    (edge) => edge.target === target.id && edge.target_port === input.name,
  );
  if (taken) {
    const same = taken.source === source.id && taken.source_port === output.name;
    return refuse(
      same
        ? 'These ports are already connected.'
        : `Input “${input.name}” of “${targetName}” is already connected; delete that connection first.`,
    );
  }
  if (hasPath(graph, target.id, source.id)) {
    return refuse(
      `That would make a loop: “${targetName}” already feeds “${sourceName}”. ` +
        'Pipelines must flow one way.',
    );
  }
  return { ok: true };
}

/** The edge for an accepted connection request. */
export function edgeFor(request: ConnectionRequest): GraphEdge {
  return {
    source: request.source,
    source_port: request.sourcePort,
    target: request.target,
    target_port: request.targetPort,
  };
}

/** The graph with the connection added, or the reason it is refused. */
export function connect(
  graph: Graph,
  catalogue: Catalogue,
  request: ConnectionRequest,
): { ok: true; graph: Graph } | { ok: false; reason: string } {
  const check = checkConnection(graph, catalogue, request);
  if (!check.ok) {
    return check;
  }
  return { ok: true, graph: { ...graph, edges: [...graph.edges, edgeFor(request)] } };
}
