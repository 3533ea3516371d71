import { useId, type ReactNode } from 'react';

/** A titled card on a page; `meta` sits beside the heading (a count, an action). */
export function Section({
  title,
  meta,
  className,
  children,
}: {
  title: string;
  meta?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  const headingId = useId();
  return (
    <section className={`card ${className ?? ''}`} aria-labelledby={headingId}>
      <div className="card__header">
        <h2 id={headingId}>{title}</h2>
        {meta}
      </div>
      <div className="card__body">{children}</div>
    </section>
  );
}
