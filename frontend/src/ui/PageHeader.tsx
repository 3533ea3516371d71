import type { ReactNode, Ref } from 'react';

/**
 * The head of a page: a small line above (where the page belongs, usually a link up), the page's
 * title, an optional line under it, and the page's actions on the right.
 */
export function PageHeader({
  eyebrow,
  title,
  subtitle,
  actions,
  titleRef,
  titleClassName,
  children,
}: {
  eyebrow: ReactNode;
  title: ReactNode;
  subtitle?: ReactNode;
  /** Buttons and fields acting on the page. */
  actions?: ReactNode;
  /** The title can then take focus (say, when a panel it opened closes). */
  titleRef?: Ref<HTMLHeadingElement>;
  titleClassName?: string;
  /** Anything else on the right, such as the user's role. */
  children?: ReactNode;
}) {
  return (
    <div className="page-header">
      <div>
        <p className="eyebrow">{eyebrow}</p>
        <h1 ref={titleRef} tabIndex={titleRef ? -1 : undefined} className={titleClassName}>
          {title}
        </h1>
        {subtitle}
      </div>
      {actions && <div className="page-header__actions">{actions}</div>}
      {children}
    </div>
  );
}
