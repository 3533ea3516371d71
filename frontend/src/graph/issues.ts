/** Validation issues arranged for display: by node, port and field. */

import type { GraphIssue } from './types';

/** The problems of one node. */
export interface NodeIssues {
  /** Every message about the node, ports and fields included. */
  messages: string[];
  /** Messages by port name. */
  ports: Record<string, string[]>;
  /** Messages by config field name. */
  fields: Record<string, string[]>;
}

function push(table: Record<string, string[]>, key: string, message: string) {
  (table[key] ??= []).push(message);
}

/** Issues grouped by the node they name; issues without a node are left out. */
export function issuesByNode(issues: readonly GraphIssue[]): Map<string, NodeIssues> {
  const byNode = new Map<string, NodeIssues>();
  for (const issue of issues) {
    if (!issue.node) {
      continue;
    }
    let entry = byNode.get(issue.node);
    if (!entry) {
      entry = { messages: [], ports: {}, fields: {} };
      byNode.set(issue.node, entry);
    }
    entry.messages.push(issue.message);
    if (issue.port) {
      push(entry.ports, issue.port, issue.message);
    }
    if (issue.field) {
      push(entry.fields, issue.field.split(/[.[]/)[0] ?? issue.field, issue.message);
    }
  }
  return byNode;
}
