/** How a run's views name a node: its label, else its block's title, else its id. */
export function nodeLabel(node: { id: string; label?: string }, blockTitle?: string): string {
  return node.label?.trim() || blockTitle || node.id;
}
