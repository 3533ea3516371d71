/** Which connections the editor accepts, and why it refuses the others. */

import { hasPath } from './topo';
import type { BlockSpec, Catalogue, Graph, GraphContent, GraphEdge, NodeContent } from './types';

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
  graph: GraphContent,
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

/** Which end of a connection a port is: an output ("source") or an input ("target"). */
export type PortSide = 'source' | 'target';

/**
 * A drag from one port onto another of the same side (input to input, output to output): why it
 * cannot connect, or null when the sides differ.
 */
export function sameSideReason(from: PortSide, to: PortSide): string | null {
  if (from !== to) {
    return null;
  }
  return from === 'target'
    ? 'Both ports are inputs: connect an output (right side of a block) to an input (left side).'
    : 'Both ports are outputs: connect an output (right side of a block) to an input (left side).';
}

/** An output that could feed an input: its node and port, and how the inspector lists it. */
export interface InputChoice {
  source: string;
  sourcePort: string;
  label: string;
}

/**
 * The outputs an input port of `target` could be connected to now (its current connection
 * aside): of the same type, on another block, without making a loop; each labelled with its
 * block's name (and id where two blocks share a name) and port.
 */
export function inputChoices(
  graph: GraphContent,
  catalogue: Catalogue,
  target: string,
  targetPort: string,
): InputChoice[] {
  const free: GraphContent = {
    nodes: graph.nodes,
    edges: graph.edges.filter(
      (edge) => !(edge.target === target && edge.target_port === targetPort),
    ),
  };
  const names = new Map<string, number>();
  for (const node of graph.nodes) {
    const name = nodeName(node, catalogue.get(node.block));
    names.set(name, (names.get(name) ?? 0) + 1);
  }
  const choices: InputChoice[] = [];
  for (const node of graph.nodes) {
    const spec = catalogue.get(node.block);
    const name = nodeName(node, spec);
    const shown = (names.get(name) ?? 0) > 1 ? `${name} (${node.id})` : name;
    for (const output of spec?.outputs ?? []) {
      const request = { source: node.id, sourcePort: output.name, target, targetPort };
      if (checkConnection(free, catalogue, request).ok) {
        choices.push({
          source: node.id,
          sourcePort: output.name,
          label: `${shown} · ${output.name}`,
        });
      }
    }
  }
  return choices;
}

/**
 * The graph with an input port fed by `source` (an output) instead of what fed it before, or
 * by nothing when `source` is null; or why that connection is refused.
 */
export function setInputSource(
  graph: Graph,
  catalogue: Catalogue,
  target: string,
  targetPort: string,
  source: { node: string; port: string } | null,
): { ok: true; graph: Graph } | { ok: false; reason: string } {
  const freed: Graph = {
    ...graph,
    edges: graph.edges.filter(
      (edge) => !(edge.target === target && edge.target_port === targetPort),
    ),
  };
  if (!source) {
    return { ok: true, graph: freed.edges.length === graph.edges.length ? graph : freed };
  }
  return connect(freed, catalogue, {
    source: source.node,
    sourcePort: source.port,
    target,
    targetPort,
  });
}
