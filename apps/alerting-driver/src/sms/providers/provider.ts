import type { Decoder } from '@argus/service-kit';

/** What sachet hands a provider: one text for every recipient of the receiver. */
export interface SmsMessage {
  /** Phone numbers, chat ids or `device:`/`channel:` targets, as the receiver lists them. */
  readonly to: readonly string[];
  readonly from: string;
  /** The receiver's `type:` ("" or "text" for most; some providers also take "voice"). */
  readonly type: string;
  readonly text: string;
}

/** A configured provider ready to send. `send` rejects with a {@link SendError} on failure. */
export interface Provider {
  send(message: SmsMessage): Promise<void>;
}

/** What a provider gets besides its settings; tests inject a clock. */
export interface ProviderContext {
  readonly now: () => Date;
  /** Per-request timeout of the provider's HTTP calls. */
  readonly timeoutMs: number;
}

/**
 * One provider of sachet's `provider:` switch: its `providers.<name>` settings schema and a
 * factory. `secrets` returns the setting values that must never appear in an error text
 * (the handler scrubs them from every message before it is logged or answered).
 */
export interface ProviderDefinition<S> {
  readonly name: string;
  readonly settings: Decoder<S>;
  secrets(settings: S): string[];
  create(settings: S, context: ProviderContext): Provider;
}

/** A provider's send failed (the API refused it, answered an error, or could not be reached). */
export class SendError extends Error {
  override readonly name = 'SendError';
}

/** The message's `type:` must be one the provider knows ("" means text). */
export function requireTextType(provider: string, message: SmsMessage): void {
  if (message.type !== '' && message.type !== 'text') {
    throw new SendError(`${provider}: unknown message type ${message.type}`);
  }
}
