import type { AlertmanagerCore } from '../alertmanager-core.ts';
import { isResolved, labelSetString } from '../domain/alert.ts';
import type { Alert } from '../domain/alert.ts';
import { intervalContains } from '../domain/time-interval.ts';
import type { NotificationLog } from './notification-log.ts';
import { stage } from './stage.ts';
import type { NotificationReason, NotifyContext, Stage } from './stage.ts';

/** The key an alert has in the notification log (its label set printed). */
export function alertHash(alert: Alert): string {
  return labelSetString(alert.labels);
}

/** Drops alerts the inhibitor mutes at the tick time. */
export function inhibitStage(core: AlertmanagerCore): Stage {
  return stage(async (ctx, alerts) =>
    alerts.filter((a) => core.inhibitor.inhibitedBy(a.labels, ctx.nowMs).length === 0),
  );
}

/** Drops alerts an active silence matches. */
export function silenceStage(core: AlertmanagerCore): Stage {
  return stage(async (ctx, alerts) =>
    alerts.filter((a) => core.silences.mutedBy(a.labels, ctx.nowMs).length === 0),
  );
}

/** With `active_time_intervals`, drops everything while none of them is in effect. */
export function timeActiveStage(core: AlertmanagerCore): Stage {
  return stage(async (ctx, alerts) => {
    const names = ctx.route.activeTimeIntervals;
    if (names.length === 0) return alerts;
    const on = names.some((n) => intervalContains(core.config.timeIntervals.get(n) ?? [], ctx.nowMs));
    return on ? alerts : [];
  });
}

/** Drops everything while any of the route's `mute_time_intervals` is in effect. */
export function timeMuteStage(core: AlertmanagerCore): Stage {
  return stage(async (ctx, alerts) => {
    const muted = ctx.route.muteTimeIntervals.some((n) =>
      intervalContains(core.config.timeIntervals.get(n) ?? [], ctx.nowMs),
    );
    return muted ? [] : alerts;
  });
}

/**
 * Decides from the notification log whether this integration must be told (NOTES §3,
 * rows checked in order); passes all alerts on when it must, none otherwise.
 */
export function dedupStage(
  nflog: NotificationLog,
  logKey: (ctx: NotifyContext) => string,
  sendResolved: boolean,
): Stage {
  return stage(async (ctx, alerts) => {
    const firing: string[] = [];
    const resolved: string[] = [];
    for (const a of alerts) (isResolved(a, ctx.nowMs) ? resolved : firing).push(alertHash(a));
    ctx.firing = firing;
    ctx.resolved = resolved;
    const entry = nflog.get(logKey(ctx), ctx.nowMs);
    let reason: NotificationReason | undefined;
    if (entry === undefined) reason = firing.length > 0 ? 'first notification' : undefined;
    else if (firing.some((h) => !entry.firing.has(h)))
      reason = entry.firing.size === 0 ? 'first notification' : 'new alerts added';
    else if (firing.length === 0) reason = entry.firing.size > 0 ? 'all alerts resolved' : undefined;
    else if (sendResolved && resolved.some((h) => !entry.resolved.has(h))) reason = 'some alerts resolved';
    else if (entry.timestampMs < ctx.nowMs - ctx.route.repeatIntervalMs) reason = 'repeat interval elapsed';
    if (reason === undefined) return [];
    ctx.reason = reason;
    return alerts;
  });
}

/**
 * Records what was sent, once the integration succeeded. Stamped with the time of logging,
 * as upstream: after the send, so later than the flush's `nowMs`, which is why a repeat
 * comes on the first group_interval tick strictly past repeat_interval (group_interval 1s,
 * repeat_interval 2s repeats every 3 s, as Debian's 0.25 does).
 */
export function setNotifiesStage(nflog: NotificationLog, logKey: (ctx: NotifyContext) => string): Stage {
  return stage(async (ctx, alerts) => {
    const loggedAtMs = Math.max(Date.now(), ctx.nowMs);
    nflog.log(logKey(ctx), ctx.firing ?? [], ctx.resolved ?? [], loggedAtMs, ctx.route.repeatIntervalMs);
    return alerts;
  });
}
