import type { WebhookPayload } from '../common/webhook-payload.ts';

/**
 * sachet's default text when the receiver has no `text:`, made deterministic:
 * - several alerts: a "Firing: " section then a "Resolved: " section (upstream's order is
 *   random, Go map iteration), each alert as `alertname @instance[ (exported_instance)]`;
 * - one alert: `STATUS \n` then its labels as `name= value` lines, sorted (random in 0.2.3);
 * - no alerts: `Alert \n` then the common label values, ordered by label name, joined by " | ".
 */
export function defaultAlertText(payload: WebhookPayload): string {
  const { alerts } = payload;
  if (alerts.length > 1) {
    let text = '';
    for (const [section, status] of [
      ['Firing', 'firing'],
      ['Resolved', 'resolved'],
    ] as const) {
      const inSection = alerts.filter((a) => a.status === status);
      if (inSection.length === 0) continue;
      text += `${section}: \n`;
      for (const alert of inSection) {
        text += `${alert.labels['alertname'] ?? ''} @${alert.labels['instance'] ?? ''}`;
        const exported = alert.labels['exported_instance'];
        if (exported) text += ` (${exported})`;
        text += '\n';
      }
    }
    return text;
  }
  if (alerts.length === 1) {
    const lines = Object.entries(alerts[0]!.labels).map(([name, value]) => `${name}= ${value}`);
    return `${payload.status.toUpperCase()} \n${lines.sort(byCodeUnits).join('\n')}`;
  }
  const names = Object.keys(payload.commonLabels).sort(byCodeUnits);
  return `Alert \n${names.map((n) => payload.commonLabels[n]).join(' | ')}`;
}

/** Go's sort.Strings order (bytewise; equal to UTF-16 order outside surrogate pairs). */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
