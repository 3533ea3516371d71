import {
  memo,
  useId,
  useMemo,
  useState,
  type CSSProperties,
  type DragEvent,
  type KeyboardEvent,
  type SyntheticEvent,
} from 'react';

import { FAMILIES, type BlockSpec, type Family } from '../../../graph/types';
import { BLOCK_MIME } from './blockDrag';

const FAMILY_TITLES: Record<Family, string> = {
  ingest: 'Ingest',
  feature: 'Features',
  train: 'Train',
  evaluate: 'Evaluate',
  publish: 'Publish',
};

function matches(block: BlockSpec, words: string[]): boolean {
  const text = `${block.title} ${block.key} ${block.description}`.toLowerCase();
  return words.every((word) => text.includes(word));
}

/** The first paragraph of a block's description: the tooltip. */
export function summary(description: string): string {
  return (
    description
      .split(/\n\s*\n/)[0]
      ?.replace(/\s+/g, ' ')
      .trim() ?? ''
  );
}

function PaletteItem({
  block,
  disabled,
  onAdd,
}: {
  block: BlockSpec;
  disabled: boolean;
  onAdd: (block: BlockSpec) => void;
}) {
  const tipId = useId();
  const [tip, setTip] = useState<CSSProperties | null>(null);

  function showTip(event: SyntheticEvent<HTMLDivElement>) {
    const box = event.currentTarget.getBoundingClientRect();
    setTip({ top: box.top, left: box.right + 10 });
  }

  function onDragStart(event: DragEvent<HTMLDivElement>) {
    setTip(null);
    event.dataTransfer.setData(BLOCK_MIME, block.key);
    event.dataTransfer.setData('text/plain', block.title);
    event.dataTransfer.effectAllowed = 'copy';
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      if (!disabled) {
        onAdd(block);
      }
    }
  }

  return (
    <li className={`palette__item palette__item--${block.family}`}>
      <div
        role="button"
        tabIndex={0}
        className="palette__block"
        draggable={!disabled}
        aria-disabled={disabled || undefined}
        aria-describedby={tipId}
        onDragStart={onDragStart}
        onKeyDown={onKeyDown}
        onDoubleClick={() => !disabled && onAdd(block)}
        onMouseEnter={showTip}
        onFocus={showTip}
        onMouseLeave={() => setTip(null)}
        onBlur={() => setTip(null)}
      >
        {block.title}
      </div>
      <div
        role="tooltip"
        id={tipId}
        className={`palette__tip${tip ? ' palette__tip--shown' : ''}`}
        style={tip ?? undefined}
      >
        <span className="palette__tip-title">{block.title}</span>
        {summary(block.description)}
        <span className="palette__tip-ports">
          {block.inputs.length > 0 &&
            `in: ${block.inputs.map((port) => `${port.name} (${port.type})`).join(', ')}`}
          {block.inputs.length > 0 && block.outputs.length > 0 && ' · '}
          {block.outputs.length > 0 &&
            `out: ${block.outputs.map((port) => `${port.name} (${port.type})`).join(', ')}`}
        </span>
      </div>
    </li>
  );
}

/**
 * The block catalogue grouped by family, with search. Blocks are dragged onto the canvas, or
 * added at its centre with Enter (or a double click).
 */
export const BlockPalette = memo(function BlockPalette({
  blocks,
  readOnly,
  onAdd,
}: {
  blocks: readonly BlockSpec[];
  readOnly: boolean;
  onAdd: (block: BlockSpec) => void;
}) {
  const [query, setQuery] = useState('');
  const headingId = useId();
  const searchId = useId();
  const groups = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const shown = blocks.filter((block) => matches(block, words));
    return FAMILIES.map((family) => ({
      family,
      blocks: shown.filter((block) => block.family === family),
    })).filter((group) => group.blocks.length > 0);
  }, [blocks, query]);

  return (
    <aside className="palette" aria-labelledby={headingId}>
      <h2 id={headingId} className="editor-panel__title">
        Blocks
      </h2>
      <label htmlFor={searchId} className="visually-hidden">
        Search blocks
      </label>
      <input
        id={searchId}
        type="search"
        className="palette__search"
        placeholder="Search blocks"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      <p className="palette__hint muted">
        {readOnly ? 'You can view this pipeline, not edit it.' : 'Drag a block onto the canvas.'}
      </p>
      <div className="palette__groups">
        {groups.length === 0 && <p className="palette__empty muted">No block matches “{query}”.</p>}
        {groups.map((group) => (
          <section
            key={group.family}
            className="palette__group"
            aria-label={FAMILY_TITLES[group.family]}
          >
            <h3 className={`palette__family palette__family--${group.family}`}>
              {FAMILY_TITLES[group.family]}
            </h3>
            <ul className="palette__list">
              {group.blocks.map((block) => (
                <PaletteItem key={block.key} block={block} disabled={readOnly} onAdd={onAdd} />
              ))}
            </ul>
          </section>
        ))}
      </div>
    </aside>
  );
});
