import type { ReactNode } from 'react';

/** One card of the Settings page, labelled by its title. */
export function Section({
  id,
  title,
  description,
  children,
}: {
  id: string;
  title: string;
  description?: string;
  children: ReactNode;
}) {
  return (
    <section className="card settings-section" aria-labelledby={id}>
      <h2 id={id} className="section-title">
        {title}
      </h2>
      {description ? <p className="hint section-description">{description}</p> : null}
      {children}
    </section>
  );
}
