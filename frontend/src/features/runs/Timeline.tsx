import { useMemo } from 'react';

import type { Step } from '../../api/runTypes';
import { formatSeconds } from './duration';
import { stepStatusStyle } from './status';
import { tickLabel, timelineLayout, timelineTicks } from './timeline';

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

/** A Gantt chart of the steps: waiting in the queue (light), then running (status colour). */
export function Timeline({
  steps,
  labels,
  now,
  selected,
  onSelect,
}: {
  steps: Step[];
  labels: ReadonlyMap<string, string>;
  now: number;
  selected: string | null;
  onSelect: (node: string) => void;
}) {
  const layout = useMemo(() => timelineLayout(steps, now), [steps, now]);
  const spanSeconds = (layout.end - layout.start) / 1000;
  const ticks = timelineTicks(spanSeconds);

  return (
    <div className="timeline">
      <div className="timeline__axis" aria-hidden="true">
        <span />
        <div className="timeline__ticks">
          {ticks.map((tick) => (
            <span key={tick} style={{ left: percent(tick / spanSeconds || 0) }}>
              {tickLabel(tick)}
            </span>
          ))}
        </div>
      </div>
      <ul className="timeline__rows">
        {layout.bars.map((bar) => {
          const style = stepStatusStyle(bar.status);
          const label = labels.get(bar.node) ?? bar.node;
          const took = bar.seconds === null ? 'did not run' : formatSeconds(bar.seconds);
          return (
            <li key={bar.node}>
              <button
                type="button"
                className={`timeline__row${selected === bar.node ? ' timeline__row--selected' : ''}`}
                onClick={() => onSelect(bar.node)}
                aria-pressed={selected === bar.node}
                aria-label={`${label}: ${style.label.toLowerCase()}, ${took}`}
              >
                <span className="timeline__label" title={label}>
                  {label}
                </span>
                <span className="timeline__track">
                  {bar.queued && (
                    <span
                      className="timeline__bar timeline__bar--queued"
                      style={{
                        left: percent(bar.queued.from),
                        width: percent(bar.queued.to - bar.queued.from),
                      }}
                    />
                  )}
                  {bar.ran && (
                    <span
                      className="timeline__bar"
                      style={{
                        left: percent(bar.ran.from),
                        width: `max(3px, ${percent(bar.ran.to - bar.ran.from)})`,
                        background: style.color,
                      }}
                    />
                  )}
                </span>
                <span className="timeline__took">{bar.seconds === null ? style.label : took}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
