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
 * One card per alert; with `groupAlertsBy`, one card per (status, field value), split when the
 * rendered body would pass `maxPayloadBytes` (a single alert too big for the limit is still sent
 * alone: Teams decides).
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

// Each card takes the longest run of the group's next alerts that still fits, found by binary
// search (a few renders per card instead of one per alert: a 1,000-alert group is one card in
// a handful of renders).
function splitGroup(group: readonly TeamsAlert[], options: CardOptions): string[] {
  const render = (alerts: readonly TeamsAlert[]) => options.render(combineAlerts(alerts));
  const fits = (card: string) => Buffer.byteLength(card) <= options.maxPayloadBytes;
  const cards: string[] = [];
  let rest = group;
  while (rest.length > 0) {
    const whole = render(rest);
    if (fits(whole)) {
      cards.push(whole);
      break;
    }
    let fitting = 1; // one alert always goes, even alone over the limit
    let fittingCard = render(rest.slice(0, 1));
    let tooMany = rest.length;
    while (tooMany - fitting > 1) {
      const mid = (fitting + tooMany) >> 1;
      const card = render(rest.slice(0, mid));
      if (fits(card)) [fitting, fittingCard] = [mid, card];
      else tooMany = mid;
    }
    cards.push(fittingCard);
    rest = rest.slice(fitting);
  }
  return cards;
}
