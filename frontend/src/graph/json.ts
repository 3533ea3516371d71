/** The graph JSON: checking an untrusted value's shape (import, API) and canonical form. */

import type { Graph, GraphContent, GraphEdge, GraphNode } from './types';

/** Node ids the backend accepts: letters, digits, '_' and '-', at most 64 characters. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export type ParseResult = { ok: true; graph: Graph } | { ok: false; error: string };

export function emptyGraph(): Graph {
  return { nodes: [], edges: [] };
}

class ShapeError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new ShapeError(`${where} must be a non-empty string`);
  }
  return value;
}

function coordinate(value: unknown, where: string): number {
  if (value === undefined) {
    return 0;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ShapeError(`${where} must be a number`);
  }
  return value;
}

function parseNode(value: unknown, where: string): GraphNode {
  if (!isRecord(value)) {
    throw new ShapeError(`${where} must be an object`);
  }
  const id = text(value.id, `${where}.id`);
  if (!NODE_ID_PATTERN.test(id)) {
    throw new ShapeError(
      `${where}.id "${id}" may only use letters, digits, "_" and "-" (at most 64 characters)`,
    );
  }
  const config = value.config ?? {};
  if (!isRecord(config)) {
    throw new ShapeError(`${where}.config must be an object`);
  }
  const position = value.position ?? {};
  if (!isRecord(position)) {
    throw new ShapeError(`${where}.position must be an object with x and y`);
  }
  const node: GraphNode = {
    id,
    block: text(value.block, `${where}.block`),
    config: { ...config },
    position: {
      x: coordinate(position.x, `${where}.position.x`),
      y: coordinate(position.y, `${where}.position.y`),
    },
  };
  if (value.label !== undefined && value.label !== null) {
    if (typeof value.label !== 'string') {
      throw new ShapeError(`${where}.label must be a string`);
    }
    if (value.label !== '') {
      node.label = value.label;
    }
  }
  return node;
}

function parseEdge(value: unknown, where: string, ids: Set<string>): GraphEdge {
  if (!isRecord(value)) {
    throw new ShapeError(`${where} must be an object`);
  }
  const edge: GraphEdge = {
    source: text(value.source, `${where}.source`),
    source_port: text(value.source_port, `${where}.source_port`),
    target: text(value.target, `${where}.target`),
    target_port: text(value.target_port, `${where}.target_port`),
  };
  for (const end of ['source', 'target'] as const) {
    if (!ids.has(edge[end])) {
      throw new ShapeError(`${where}.${end} names node "${edge[end]}", which is not in the graph`);
    }
  }
  return edge;
}

/**
 * Check that `value` is graph JSON ({"nodes": [...], "edges": [...]}) and return a clean copy:
 * unique, well-formed node ids, edges between existing nodes, positions defaulting to 0.
 * Blocks, port types and configs are left to the server's validation.
 */
export function parseGraph(value: unknown): ParseResult {
  try {
    if (!isRecord(value)) {
      throw new ShapeError('a graph must be an object with "nodes" and "edges" lists');
    }
    const rawNodes = value.nodes ?? [];
    const rawEdges = value.edges ?? [];
    if (!Array.isArray(rawNodes)) {
      throw new ShapeError('"nodes" must be a list');
    }
    if (!Array.isArray(rawEdges)) {
      throw new ShapeError('"edges" must be a list');
    }
    const ids = new Set<string>();
    const nodes = rawNodes.map((raw, index) => {
      const node = parseNode(raw, `nodes[${index}]`);
      if (ids.has(node.id)) {
        throw new ShapeError(`nodes[${index}].id "${node.id}" is used by another node`);
      }
      ids.add(node.id);
      return node;
    });
    const edges = rawEdges.map((raw, index) => parseEdge(raw, `edges[${index}]`, ids));
    return { ok: true, graph: { nodes, edges } };
  } catch (error) {
    if (error instanceof ShapeError) {
      return { ok: false, error: error.message };
    }
    throw error;
  }
}

/** Parse the text of a graph JSON file; the error says what is wrong and where. */
export function parseGraphText(source: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `the file is not valid JSON (${reason})` };
  }
  // An exported pipeline may wrap the graph: {"name": ..., "graph": {...}}.
  if (isRecord(value) && isRecord(value.graph) && value.nodes === undefined) {
    value = value.graph;
  }
  return parseGraph(value);
}

/** The graph as the API stores it: only the known keys, in a stable order. */
export function toApiGraph(graph: Graph): Graph {
  return {
    nodes: graph.nodes.map((node) => {
      const clean: GraphNode = {
        id: node.id,
        block: node.block,
        config: node.config,
        position: { x: node.position.x, y: node.position.y },
      };
      if (node.label) {
        clean.label = node.label;
      }
      return clean;
    }),
    edges: graph.edges.map((edge) => ({
      source: edge.source,
      source_port: edge.source_port,
      target: edge.target,
      target_port: edge.target_port,
    })),
  };
}

/** A stable id for an edge: "source:port->target:port" (':' never occurs in node ids). */
export function edgeId(edge: GraphEdge): string {
  return `${edge.source}:${edge.source_port}->${edge.target}:${edge.target_port}`;
}

/** What running the graph depends on: everything but positions, as a comparable string. */
export function semanticKey(graph: GraphContent): string {
  return JSON.stringify({
    nodes: graph.nodes.map((node) => [node.id, node.block, node.config]),
    edges: graph.edges.map(edgeId),
  });
}

/** The whole graph as a comparable string. */
export function graphKey(graph: Graph): string {
  return JSON.stringify(toApiGraph(graph));
}

/** A short, stable hash of a string (cyrb53), for cache keys. */
export function hashText(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
