const TONES: Record<string, string> = {
  implemented: 'good',
  partial: 'warn',
  'not yet': 'bad',
  published: 'info',
  superseded: 'muted',
  draft: 'muted',
  active: 'good',
  inactive: 'muted',
  'severity-low': 'muted',
  'severity-medium': 'warn',
  'severity-high': 'bad',
  'severity-critical': 'bad',
  'finding-new': 'info',
  'finding-case': 'warn',
  'finding-dismissed': 'muted',
  'request-pending': 'info',
  'request-returned': 'warn',
  'request-approved': 'good',
  'request-denied': 'bad',
  'request-withdrawn': 'muted',
  'request-revoked': 'bad',
  'request-expired': 'muted',
};

/** A status in words and color (the word carries the meaning; the color only helps). */
export function StatusPill({ status, label }: { status: string; label?: string }) {
  const tone = TONES[status] ?? 'muted';
  return (
    <span className={`pill pill--${tone}`} data-status={status}>
      <span className="pill__dot" aria-hidden="true" />
      {label ?? status}
    </span>
  );
}
