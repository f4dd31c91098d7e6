// The MessageCard prom2teams 3.2.2's template produces, built directly from the description in
// conformance/drivers/NOTES.md §1.3 (independently of our template), for tests to compare with.

export interface CardInput {
  name?: string;
  status: string;
  severity?: string;
  summary?: string;
  instance?: string;
  description?: string;
  runbook_url?: string;
  /** In the order the alert carries them. */
  extra_labels?: Record<string, string>;
  extra_annotations?: Record<string, string>;
}

const COLOURS: Record<string, string> = {
  critical: '8C1A1A',
  severe: '8C1A1A',
  warning: 'FF9A0B',
  unknown: 'CCCCCC',
};

export function expectedMessageCard(a: CardInput): Record<string, unknown> {
  const resolved = a.status === 'resolved';
  const severity = a.severity ?? 'unknown';
  const summary = a.summary ?? 'unknown';
  const facts: Array<{ name: string; value: string }> = [];
  const fact = (name: string, value: string) => value !== '' && facts.push({ name, value });
  fact('Alert', a.name ?? 'unknown');
  fact('In host', a.instance ?? 'unknown');
  fact('Severity', severity);
  fact('Description', a.description ?? 'unknown');
  facts.push({ name: 'Status', value: a.status });
  for (const [name, value] of Object.entries(a.extra_labels ?? {})) facts.push({ name, value });
  for (const [name, value] of Object.entries(a.extra_annotations ?? {})) facts.push({ name, value });
  const card: Record<string, unknown> = {
    '@type': 'MessageCard',
    '@context': 'http://schema.org/extensions',
    themeColor: ` ${resolved ? '2DC72D' : (COLOURS[severity] ?? '')} `,
    summary: `${resolved ? '(Resolved) ' : ''}${summary}`,
    title: `Prometheus alert ${resolved ? '(Resolved) ' : a.status === 'unknown' ? ' (status unknown) ' : ''}`,
    sections: [{ activityTitle: summary, facts, markdown: true }],
  };
  if (a.runbook_url) {
    card.potentialAction = [
      { '@context': 'http://schema.org', '@type': 'ViewAction', name: 'Runbook', target: [a.runbook_url] },
    ];
  }
  return card;
}
