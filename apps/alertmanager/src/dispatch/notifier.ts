import type { Alert } from '../domain/alert.ts';
import type { NotifyContext } from './stage.ts';

/** The outcome of one failed attempt: `retry` says whether trying again may help. */
export class NotifyError extends Error {
  readonly code = 'notify_failed';
  constructor(
    message: string,
    readonly retry: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'NotifyError';
  }
}

/** One integration of a receiver (a webhook, an email, …): sends one notification. */
export interface Notifier {
  /** `webhook`, `email`, …: the integration's name in the notification log key. */
  readonly integration: string;
  /** Position among the receiver's integrations of the same kind. */
  readonly index: number;
  readonly sendResolved: boolean;
  /** Sends; throws {@link NotifyError} on failure. */
  notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void>;
}
