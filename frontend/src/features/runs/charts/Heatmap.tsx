import type { HeatmapProps } from '../figures';

function cellColor(intensity: number): string {
  // From white to the accent teal; the text turns white once the cell is dark.
  const alpha = 0.08 + 0.85 * intensity;
  return `rgb(15 118 110 / ${alpha.toFixed(3)})`;
}

/** A heatmap figure (a confusion matrix) as a table whose cells are shaded by count. */
export function Heatmap({ figure }: { figure: HeatmapProps }) {
  const accuracy = figure.total > 0 ? figure.diagonal / figure.total : null;
  return (
    <figure className="chart heatmap" aria-label={figure.title}>
      <figcaption className="chart__title">{figure.title}</figcaption>
      <div className="heatmap__frame">
        <div className="heatmap__y-label" aria-hidden="true">
          {figure.yLabel}
        </div>
        <table className="heatmap__table">
          <caption className="visually-hidden">
            {figure.title}: rows are {figure.yLabel.toLowerCase()}, columns{' '}
            {figure.xLabel.toLowerCase()}
          </caption>
          <thead>
            <tr>
              <td />
              <th scope="colgroup" colSpan={figure.labels.length} className="heatmap__x-label">
                {figure.xLabel}
              </th>
            </tr>
            <tr>
              <td />
              {figure.labels.map((label) => (
                <th key={label} scope="col">
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {figure.rows.map((row, rowIndex) => (
              <tr key={figure.labels[rowIndex] ?? rowIndex}>
                <th scope="row">{figure.labels[rowIndex]}</th>
                {row.map((cell, colIndex) => (
                  <td
                    key={figure.labels[colIndex] ?? colIndex}
                    className={
                      rowIndex === colIndex
                        ? 'heatmap__cell heatmap__cell--diagonal'
                        : 'heatmap__cell'
                    }
                    style={{
                      background: cellColor(cell.intensity),
                      color: cell.intensity > 0.55 ? '#ffffff' : 'var(--text)',
                    }}
                    title={`${figure.yLabel} ${figure.labels[rowIndex]}, ${figure.xLabel.toLowerCase()} ${figure.labels[colIndex]}: ${cell.value} (${Math.round(cell.rowShare * 100)}% of the row)`}
                  >
                    {cell.value}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {accuracy !== null && (
        <p className="chart__note">
          {figure.diagonal} of {figure.total} on the diagonal ({(accuracy * 100).toFixed(1)}%)
        </p>
      )}
    </figure>
  );
}
