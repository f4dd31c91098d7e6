import type { Alert, LabelSet } from '../domain/alert.ts';
import type { RouteOptions } from '../domain/route.ts';

/** Why a notification goes out (0.32+ `notification_reason`). */
export type NotificationReason =
  | 'first notification'
  | 'new alerts added'
  | 'some alerts resolved'
  | 'all alerts resolved'
  | 'repeat interval elapsed'
  | 'unknown';

/** What every stage of one flush knows. Mutable fields are filled by stages on the way. */
export interface NotifyContext {
  readonly groupKey: string;
  readonly receiver: string;
  readonly groupLabels: LabelSet;
  readonly route: RouteOptions;
  /** The tick time; time intervals and resolution are judged at it. */
  readonly nowMs: number;
  /** Flushes give up retrying at this time. */
  readonly deadlineMs: number;
  /** Hashes of the firing / resolved alerts handed to Dedup (set by Dedup). */
  firing?: string[];
  resolved?: string[];
  reason?: NotificationReason;
}

/**
 * One step of the notification pipeline: gets the alerts still to notify and returns
 * those the next stage should see. Returning an empty list ends the pipeline quietly.
 */
export interface Stage {
  exec(ctx: NotifyContext, alerts: readonly Alert[]): Promise<readonly Alert[]>;
}

/** Runs stages in order; stops as soon as one returns no alerts. */
export class MultiStage implements Stage {
  constructor(readonly stages: readonly Stage[]) {}

  async exec(ctx: NotifyContext, alerts: readonly Alert[]): Promise<readonly Alert[]> {
    let current = alerts;
    for (const stage of this.stages) {
      if (current.length === 0) return current;
      current = await stage.exec(ctx, current);
    }
    return current;
  }
}

/** Runs one pipeline per integration at once, each with its own copy of the context; joins errors. */
export class FanoutStage implements Stage {
  constructor(readonly stages: readonly Stage[]) {}

  async exec(ctx: NotifyContext, alerts: readonly Alert[]): Promise<readonly Alert[]> {
    const results = await Promise.allSettled(this.stages.map((s) => s.exec({ ...ctx }, alerts)));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (errors.length > 0)
      throw new AggregateError(errors, errors.map((e) => (e as Error).message).join('; '));
    return alerts;
  }
}

/** A stage from a function. */
export function stage(fn: Stage['exec']): Stage {
  return { exec: fn };
}
