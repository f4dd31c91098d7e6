// From a webhook payload to the list of card bodies to POST, in prom2teams's order.
import type { WebhookPayload } from '../common/webhook-payload.ts';
import { combineAlerts, groupBy, toTeamsAlerts } from './teams-alert.ts';
import type { Exclusions, TeamsAlert } from './teams-alert.ts';
import type { GroupableField } from './teams-config.ts';

export interface CardOptions {
  readonly exclusions: Exclusions;
  readonly groupAlertsBy: GroupableField | undefined;
  /** A merged card is split so that each rendered body stays within this many bytes. */
  readonly maxPayloadBytes: number;
  readonly render: (alert: TeamsAlert) => string;
}

/**
 * One card per alert; with `groupAlertsBy`, one card per (status, field value), split greedily
 * when the rendered body would pass `maxPayloadBytes` (a single alert too big for the limit is
 * still sent alone: Teams decides).
 */
export function buildCards(payload: WebhookPayload, options: CardOptions): string[] {
  const cards: string[] = [];
  for (const sameStatus of toTeamsAlerts(payload, options.exclusions)) {
    if (options.groupAlertsBy === undefined) {
      for (const alert of sameStatus) cards.push(options.render(alert));
      continue;
    }
    for (const group of groupBy(sameStatus, options.groupAlertsBy)) cards.push(...splitGroup(group, options));
  }
  return cards;
}

function splitGroup(group: readonly TeamsAlert[], options: CardOptions): string[] {
  const cards: string[] = [];
  let current: TeamsAlert[] = [];
  let currentCard = '';
  for (const alert of group) {
    const candidate = options.render(combineAlerts([...current, alert]));
    if (current.length > 0 && Buffer.byteLength(candidate) > options.maxPayloadBytes) {
      cards.push(currentCard);
      current = [alert];
      currentCard = options.render(combineAlerts(current));
    } else {
      current.push(alert);
      currentCard = candidate;
    }
  }
  if (current.length > 0) cards.push(currentCard);
  return cards;
}
