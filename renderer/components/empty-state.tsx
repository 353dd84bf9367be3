import type { ReactNode } from 'react';

/** What a page says when there is nothing to show yet, with the next steps as buttons. */
export function EmptyState({
  icon,
  title,
  children,
  actions,
}: {
  icon?: ReactNode;
  title: string;
  children?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <section className="empty-state" aria-label={title}>
      {icon ? (
        <div className="empty-icon" aria-hidden="true">
          {icon}
        </div>
      ) : null}
      <h2>{title}</h2>
      {children ? <div className="empty-text">{children}</div> : null}
      {actions ? <div className="button-row center">{actions}</div> : null}
    </section>
  );
}
