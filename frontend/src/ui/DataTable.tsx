type Cell = string | number | boolean | null | undefined;

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });

function renderCell(value: Cell) {
  if (value === null || value === undefined) {
    return <span className="muted">null</span>;
  }
  if (typeof value === 'number') {
    return numberFormat.format(value);
  }
  return String(value);
}

/** Rows of a table preview, scrolling both ways inside its box; `highlight` marks a column. */
export function DataTable({
  columns,
  rows,
  label,
  highlight,
}: {
  columns: string[];
  rows: Cell[][];
  label: string;
  highlight?: string | null;
}) {
  const numeric = columns.map((_, index) => {
    const first = rows.find((row) => row[index] !== null && row[index] !== undefined);
    return typeof first?.[index] === 'number';
  });
  return (
    <div className="data-table" role="region" aria-label={label} tabIndex={0}>
      <table className="table table--compact">
        <thead>
          <tr>
            {columns.map((column, index) => (
              <th
                key={column}
                scope="col"
                className={
                  [numeric[index] && 'num', column === highlight && 'data-table__highlight']
                    .filter(Boolean)
                    .join(' ') || undefined
                }
              >
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, rowIndex) => (
            <tr key={rowIndex}>
              {columns.map((column, index) => (
                <td key={column} className={typeof row[index] === 'number' ? 'num' : undefined}>
                  {renderCell(row[index])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
