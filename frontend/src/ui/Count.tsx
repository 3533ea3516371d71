/** A small count beside a heading, read out with its noun. */
export function Count({ value, noun }: { value: number | undefined; noun: string }) {
  if (value === undefined) {
    return null;
  }
  return (
    <span className="count">
      {value}
      <span className="visually-hidden"> {noun}</span>
    </span>
  );
}

/** "Showing the latest 50 of 120 runs" under a list that holds only the first page. */
export function TruncationNote({
  shown,
  total,
  noun,
}: {
  shown: number;
  total: number;
  noun: string;
}) {
  if (shown >= total) {
    return null;
  }
  return (
    <p className="card__note">
      Showing {shown} of {total} {noun}.
    </p>
  );
}
