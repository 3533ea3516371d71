import type { Key, ReactNode } from 'react';

/** A column of an EntityTable. */
export interface EntityColumn<T> {
  /** The column's heading (visually hidden text where the column needs no visible one). */
  header: ReactNode;
  /** A column of numbers: aligned right. */
  numeric?: boolean;
  /** The column whose cell names the row (the entity's name or number): a row header. */
  rowHeader?: boolean;
  /** A class for the column's cells. */
  className?: string;
  cell: (item: T) => ReactNode;
}

function classes(...names: (string | false | undefined)[]): string | undefined {
  return names.filter(Boolean).join(' ') || undefined;
}

/** A table of entities (datasets, runs, models, keys...): a row each, one cell per column. */
export function EntityTable<T>({
  columns,
  items,
  itemKey,
  className = 'table',
  rowClassName,
  isCurrent,
}: {
  columns: readonly (EntityColumn<T> | false | null | undefined)[];
  items: readonly T[];
  itemKey: (item: T) => Key;
  className?: string;
  rowClassName?: (item: T) => string | undefined;
  /** The row of the entity shown elsewhere on the page (aria-current). */
  isCurrent?: (item: T) => boolean;
}) {
  const shown = columns.filter((column): column is EntityColumn<T> => Boolean(column));
  return (
    <table className={className}>
      <thead>
        <tr>
          {shown.map((column, index) => (
            <th key={index} scope="col" className={column.numeric ? 'num' : undefined}>
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr
            key={itemKey(item)}
            className={rowClassName?.(item)}
            aria-current={isCurrent?.(item) || undefined}
          >
            {shown.map((column, index) =>
              column.rowHeader ? (
                <th key={index} scope="row" className={column.className}>
                  {column.cell(item)}
                </th>
              ) : (
                <td key={index} className={classes(column.numeric && 'num', column.className)}>
                  {column.cell(item)}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
