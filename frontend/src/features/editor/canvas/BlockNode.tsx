import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';

import type { BlockFlowNode } from '../../../graph/flow';
import type { PortSpec } from '../../../graph/types';

function PortRow({
  nodeId,
  port,
  direction,
  problems,
  connectable,
}: {
  nodeId: string;
  port: PortSpec;
  direction: 'in' | 'out';
  problems: string[] | undefined;
  connectable: boolean;
}) {
  const isInput = direction === 'in';
  const what = `${isInput ? 'Input' : 'Output'} ${port.name} (${port.type}${
    isInput && !port.required ? ', optional' : ''
  })`;
  return (
    <li
      className={`block-node__port block-node__port--${direction}${problems ? ' block-node__port--invalid' : ''}`}
      title={problems ? problems.join('\n') : port.description || undefined}
    >
      <Handle
        type={isInput ? 'target' : 'source'}
        position={isInput ? Position.Left : Position.Right}
        id={port.name}
        isConnectable={connectable}
        className={`port-handle port-handle--${port.type}`}
        data-testid={`handle-${nodeId}-${direction}-${port.name}`}
        aria-label={what}
      />
      <span className="block-node__port-name">{port.name}</span>
      <span className="block-node__port-type">
        {port.type}
        {isInput && !port.required && ' · optional'}
      </span>
    </li>
  );
}

/**
 * Whether a block shows the same: it draws its id, data, selection and connectability only, so a move or a new
 * measurement (other props React Flow passes) does not redraw it.
 */
function sameBlock(before: NodeProps<BlockFlowNode>, after: NodeProps<BlockFlowNode>): boolean {
  return (
    before.id === after.id &&
    before.data === after.data &&
    before.selected === after.selected &&
    before.isConnectable === after.isConnectable
  );
}

/** A block on the canvas: its title, label, problems, and a typed handle per port. */
export const BlockNode = memo(function BlockNode({
  id,
  data,
  selected,
  isConnectable,
}: NodeProps<BlockFlowNode>) {
  const { node, spec, issues } = data;
  const title = spec?.title ?? node.block;
  const family = spec?.family ?? 'unknown';
  const problemCount = issues?.messages.length ?? 0;
  const classes = [
    'block-node',
    `block-node--${family}`,
    problemCount > 0 ? 'block-node--invalid' : '',
    selected ? 'block-node--selected' : '',
  ];

  return (
    <div className={classes.join(' ')} data-testid={`node-${id}`}>
      <div className="block-node__header">
        <span className="block-node__family">{family}</span>
        {problemCount > 0 && (
          <span
            className="block-node__problems"
            role="img"
            aria-label={`${problemCount} ${problemCount === 1 ? 'problem' : 'problems'}`}
            title={issues?.messages.join('\n')}
          >
            {problemCount}
          </span>
        )}
      </div>
      <div className="block-node__title">{title}</div>
      {node.label && node.label !== title && <div className="block-node__label">{node.label}</div>}
      {spec ? (
        <ul className="block-node__ports">
          {spec.inputs.map((port) => (
            <PortRow
              key={`in-${port.name}`}
              nodeId={id}
              port={port}
              direction="in"
              problems={issues?.ports[port.name]}
              connectable={isConnectable}
            />
          ))}
          {spec.outputs.map((port) => (
            <PortRow
              key={`out-${port.name}`}
              nodeId={id}
              port={port}
              direction="out"
              problems={undefined}
              connectable={isConnectable}
            />
          ))}
        </ul>
      ) : (
        <p className="block-node__unknown">This server has no block “{node.block}”.</p>
      )}
    </div>
  );
}, sameBlock);
