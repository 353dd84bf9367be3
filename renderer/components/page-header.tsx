import { useEffect, useRef, type ReactNode } from 'react';

/** The page title (focused on navigation so screen readers announce the new page), subtitle and actions. */
export function PageHeader({
  title,
  subtitle,
  actions,
  eyebrow,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  eyebrow?: ReactNode;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // Only move focus when the person navigated (not on first load, which would scroll oddly).
    if (
      document.activeElement &&
      document.activeElement !== document.body &&
      document.activeElement.closest('nav, .page')
    ) {
      ref.current?.focus({ preventScroll: true });
    }
  }, []);
  return (
    <header className="page-header">
      <div className="page-heading">
        {eyebrow ? <div className="eyebrow">{eyebrow}</div> : null}
        <h1 ref={ref} tabIndex={-1}>
          {title}
        </h1>
        {subtitle ? <p className="page-subtitle">{subtitle}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}
