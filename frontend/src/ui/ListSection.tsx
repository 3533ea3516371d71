import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';

import { Count } from './Count';
import { ShowMore, type Expandable } from './Pager';
import { QueryState } from './QueryState';
import { Section } from './Section';

/** What a ListSection shows of a list: how many there are, and those loaded. */
export interface CountedList<T> {
  count: number;
  results: T[];
}

/**
 * A card holding a list from the API: its count beside the title, the loading, error and empty
 * states, the list itself once there is something in it, and "Show more" for a list loaded a
 * page at a time (`more`).
 */
export function ListSection<L extends CountedList<unknown>>({
  title,
  noun,
  countNoun = noun,
  query,
  action,
  empty,
  more,
  children,
  footer,
}: {
  title: string;
  /** What the list holds, in the plural ("datasets"). */
  noun: string;
  /** The noun read out with the count, when shorter than `noun` ("keys"). */
  countNoun?: string;
  query: UseQueryResult<L>;
  /** A link beside the title, to the whole list or to add to it. */
  action?: { to: string; label: string };
  /** What the empty state says: a title and a line. */
  empty: { title: string; text: ReactNode };
  /** The list is loaded a page at a time: offer the next. */
  more?: Expandable;
  /** The list, once loaded and not empty. */
  children: (list: L) => ReactNode;
  /** Under the list, whatever its state: page controls, a note. */
  footer?: ReactNode;
}) {
  return (
    <Section
      title={title}
      meta={
        <>
          <Count value={query.data?.count} noun={countNoun} />
          {action && (
            <Link to={action.to} className="card__action">
              {action.label}
            </Link>
          )}
        </>
      }
    >
      <QueryState
        query={query}
        noun={noun}
        isEmpty={(list) => list.results.length === 0}
        empty={
          <>
            <p className="empty-state__title">{empty.title}</p>
            <p className="muted">{empty.text}</p>
          </>
        }
      >
        {(list) => (
          <>
            {children(list)}
            {more && (
              <ShowMore list={more} shown={list.results.length} total={list.count} noun={noun} />
            )}
          </>
        )}
      </QueryState>
      {footer}
    </Section>
  );
}
