import type { ReactNode } from 'react';

export interface Crumb {
  label: string;
  href?: string;
}

export function PageHeader({ title, eyebrow, crumbs, children, actions }: { title: ReactNode; eyebrow?: ReactNode; crumbs?: Crumb[]; children?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-header">
      {crumbs && crumbs.length > 0 && (
        <nav aria-label="Breadcrumb" className="breadcrumbs">
          <ol>
            {crumbs.map((c, i) => (
              <li key={i}>{c.href ? <a href={c.href}>{c.label}</a> : <span aria-current="page">{c.label}</span>}</li>
            ))}
          </ol>
        </nav>
      )}
      <div className="page-header__row">
        <div className="page-header__text">
          {eyebrow ? <p className="eyebrow">{eyebrow}</p> : null}
          <h1>{title}</h1>
          {children ? <div className="page-header__lead">{children}</div> : null}
        </div>
        {actions ? <div className="page-header__actions">{actions}</div> : null}
      </div>
    </div>
  );
}
