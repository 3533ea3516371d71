import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';

import type { RunFlowNode } from './runGraph';
import { stepStatusStyle } from './status';

/** A node of the run canvas: its label, block, status colour and, while running, progress. */
export const RunNode = memo(function RunNode({ id, data, selected }: NodeProps<RunFlowNode>) {
  const style = stepStatusStyle(data.status);
  const percent = Math.round(Math.min(1, Math.max(0, data.progress)) * 100);
  return (
    <div
      className={`run-node run-node--${data.status}${selected ? ' run-node--selected' : ''}`}
      data-testid={`run-node-${id}`}
      data-status={data.status}
      data-block={data.block}
      style={{ borderColor: style.color, background: style.background }}
      title={`${data.label}\n${data.blockTitle} (${data.block}): ${style.description}`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="run-node__label">{data.label}</div>
      <div className="run-node__block">
        {data.label === data.blockTitle ? data.block : data.blockTitle}
      </div>
      <div className="run-node__status" style={{ color: style.color }}>
        <span className="run-node__dot" style={{ background: style.color }} aria-hidden="true" />
        {style.label}
        {data.attempt > 1 && <span className="muted"> · attempt {data.attempt}</span>}
        {data.warnings > 0 && (
          <span className="run-node__warnings">
            {' '}
            · {data.warnings} {data.warnings === 1 ? 'warning' : 'warnings'}
          </span>
        )}
        {data.status === 'running' && <span className="run-node__percent">{percent}%</span>}
      </div>
      {data.status === 'running' && (
        <div
          className="run-node__progress"
          role="progressbar"
          aria-label={`${data.label} progress`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
        >
          <div style={{ width: `${percent}%`, background: style.color }} />
        </div>
      )}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});
