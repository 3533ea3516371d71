import { Link } from 'react-router-dom';

import { EntityTable, type EntityColumn } from '../../ui/EntityTable';
import { Badge } from '../../ui/Badge';
import { PageHeader } from '../../ui/PageHeader';
import { QueryState } from '../../ui/QueryState';
import { Section } from '../../ui/Section';
import {
  useOperations,
  type GpuDevice,
  type Operations,
  type OperationsQueue,
  type OperationsWorker,
} from './useOperations';
import './operations.css';

const GIB = 1024 ** 3;

/** "12.3 of 80.0 GiB" for a GPU's memory. */
export function describeMemory(device: GpuDevice): string {
  return `${(device.memory_used / GIB).toFixed(1)} of ${(device.memory_total / GIB).toFixed(1)} GiB`;
}

const QUEUE_COLUMNS: EntityColumn<OperationsQueue>[] = [
  { header: 'Queue', rowHeader: true, className: 'mono', cell: (q) => q.name },
  { header: 'Waiting in the broker', numeric: true, cell: (q) => q.depth ?? '—' },
  { header: 'Queued steps', numeric: true, cell: (q) => q.queued_steps },
  { header: 'Workers', numeric: true, cell: (q) => q.workers },
  {
    header: 'Idle',
    numeric: true,
    cell: (q) => (q.workers === 0 ? <Badge tone="danger">no worker</Badge> : q.idle_workers),
  },
];

const WORKER_COLUMNS: EntityColumn<OperationsWorker>[] = [
  { header: 'Worker', rowHeader: true, className: 'mono', cell: (w) => w.name },
  { header: 'Queues', cell: (w) => w.queues.join(', ') },
  { header: 'Concurrency', numeric: true, cell: (w) => w.concurrency },
  {
    header: 'State',
    cell: (w) => (w.idle ? <Badge tone="success">idle</Badge> : <Badge tone="info">busy</Badge>),
  },
  { header: 'Current steps', cell: (w) => <CurrentSteps worker={w} /> },
  {
    header: 'GPU',
    cell: (w) =>
      w.devices && w.devices.length > 0 ? (
        <ul className="plain-list">
          {w.devices.map((device) => (
            <li key={device.index}>
              {device.name} · {describeMemory(device)}
            </li>
          ))}
        </ul>
      ) : (
        <span className="muted">—</span>
      ),
  },
];

function CurrentSteps({ worker }: { worker: OperationsWorker }) {
  if (worker.steps.length === 0 && worker.other_tasks === 0) {
    return <span className="muted">—</span>;
  }
  return (
    <ul className="plain-list">
      {worker.steps.map((step) => (
        <li key={step.step_id}>
          <Link
            to={`/w/${step.workspace}/runs/${step.run_id}?node=${encodeURIComponent(step.node_id)}`}
          >
            {step.pipeline_name} · run #{step.run_id} · {step.node_id}
          </Link>
        </li>
      ))}
      {worker.other_tasks > 0 && (
        <li className="muted">
          {worker.other_tasks} other {worker.other_tasks === 1 ? 'task' : 'tasks'}
        </li>
      )}
    </ul>
  );
}

function OperationsBody({ data }: { data: Operations }) {
  return (
    <>
      {!data.broker.reachable && (
        <p className="form-error" role="alert">
          Workers and queues are unknown: {data.broker.message}
        </p>
      )}
      <Section title="Queues">
        <EntityTable columns={QUEUE_COLUMNS} items={data.queues} itemKey={(q) => q.name} />
      </Section>
      <Section title="Online workers">
        {data.workers.length === 0 ? (
          <div className="empty-state">
            <p className="muted">
              No worker answered. Start one with{' '}
              <code>celery -A backend.engine.celery worker -Q cpu,gpu</code>.
            </p>
          </div>
        ) : (
          <EntityTable columns={WORKER_COLUMNS} items={data.workers} itemKey={(w) => w.name} />
        )}
      </Section>
    </>
  );
}

/** /operations — the workers serving the queues, what they run, and what waits. */
export function OperationsPage() {
  const operations = useOperations();
  return (
    <div className="operations-page">
      <title>Operations · Tributary</title>
      <PageHeader
        eyebrow="Operations"
        title="Workers and queues"
        subtitle={
          <p className="muted small">As Celery reports them; refreshed every few seconds.</p>
        }
      />
      <QueryState query={operations} noun="workers and queues" isEmpty={() => false} empty={null}>
        {(data) => <OperationsBody data={data} />}
      </QueryState>
    </div>
  );
}
