import './lists.css';

/** Page controls under a list shown a page at a time; nothing when it fits on one page. */
export function Pager({
  page,
  pages,
  noun,
  onChange,
  previousLabel = 'Previous',
  nextLabel = 'Next',
}: {
  page: number;
  pages: number;
  noun: string;
  onChange: (page: number) => void;
  previousLabel?: string;
  nextLabel?: string;
}) {
  if (pages <= 1 && page <= 1) {
    return null;
  }
  return (
    <nav className="pager" aria-label={`Pages of ${noun}`}>
      <button
        type="button"
        className="button button--small"
        disabled={page <= 1}
        onClick={() => onChange(page - 1)}
      >
        {previousLabel}
      </button>
      <span className="muted small" aria-live="polite">
        Page {page} of {pages}
      </span>
      <button
        type="button"
        className="button button--small"
        disabled={page >= pages}
        onClick={() => onChange(page + 1)}
      >
        {nextLabel}
      </button>
    </nav>
  );
}

/** What ShowMore needs of a list loaded a page at a time (TanStack's useInfiniteQuery has it). */
export interface Expandable {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  fetchNextPage: () => unknown;
}

/** "Showing 10 of 57 runs" and a button that loads the next page; nothing once all are shown. */
export function ShowMore({
  list,
  shown,
  total,
  noun,
}: {
  list: Expandable;
  shown: number;
  total: number;
  noun: string;
}) {
  if (!list.hasNextPage && shown >= total) {
    return null;
  }
  let label = 'Show more';
  if (list.isFetchingNextPage) {
    label = 'Loading…';
  } else if (list.isFetchNextPageError) {
    label = 'Could not load more: try again';
  }
  return (
    <div className="show-more">
      <span aria-live="polite">
        Showing {shown} of {total} {noun}.
      </span>
      {list.hasNextPage && (
        <button
          type="button"
          className="button button--small"
          disabled={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          {label}
        </button>
      )}
    </div>
  );
}
