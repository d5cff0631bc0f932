import type { ReactNode } from 'react';

interface PanelProps {
  title: ReactNode;
  aside?: ReactNode;
  className?: string;
  bodyClassName?: string;
  testId?: string;
  children: ReactNode;
}

/** A titled, bordered pane: the building block of every workspace. */
export function Panel({ title, aside, className, bodyClassName, testId, children }: PanelProps) {
  return (
    <section className={['panel', className].filter(Boolean).join(' ')} data-testid={testId}>
      <header className="panel-head">
        <span className="panel-title">{title}</span>
        {aside !== undefined && <span className="panel-aside">{aside}</span>}
      </header>
      <div className={['panel-body', bodyClassName].filter(Boolean).join(' ')}>{children}</div>
    </section>
  );
}
