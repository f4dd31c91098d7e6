import type { ScrapeResponse } from '@argus/pushprox';
import { PollExpiredError, ScrapeCancelledError, ScrapeTimeoutError } from './errors.ts';

/** A scrape request handed to a polling client: its id and its wire bytes. */
export interface ScrapeInstruction {
  readonly id: string;
  readonly request: Buffer;
}

/** A waiting poll; `cancel()` withdraws it (the client hung up) and is safe after settling. */
export interface PendingPoll {
  readonly instruction: Promise<ScrapeInstruction>;
  cancel(): void;
}

/** Timer seam, so tests can drive time by hand. */
export interface CoordinatorClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): { cancel(): void };
}

export const SYSTEM_CLOCK: CoordinatorClock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms);
    return { cancel: () => clearTimeout(timer) };
  },
};

export interface CoordinatorOptions {
  /** A client stays listed by `knownClients` this long after its last poll. */
  readonly registrationTimeoutMs: number;
  readonly clock?: CoordinatorClock;
}

interface Waiter {
  resolve(instruction: ScrapeInstruction): void;
  reject(error: Error): void;
}

interface Scrape {
  readonly id: string;
  readonly fqdn: string;
  readonly url: string;
  readonly request: Buffer;
  state: 'queued' | 'taken' | 'done';
  resolve(response: ScrapeResponse): void;
  reject(error: Error): void;
  timer: { cancel(): void };
}

/**
 * Matches scrapes to polling clients and pushed responses to scrapes, without I/O.
 *
 * Promises: at most one poll waits per FQDN; a new poll expires the older one
 * (`PollExpiredError`, upstream's 408). Scrapes for an FQDN with no waiting poll queue in
 * arrival order and go to the next poll. A scrape settles exactly once: with the response
 * pushed under its id, or `ScrapeTimeoutError` at its deadline, or `ScrapeCancelledError`
 * when abandoned. Scrapes of different FQDNs never wait on each other. Memory held per
 * scrape is its request bytes until it settles.
 */
export class Coordinator {
  readonly #clock: CoordinatorClock;
  readonly #registrationTimeoutMs: number;
  readonly #waiters = new Map<string, Waiter>();
  readonly #queues = new Map<string, Scrape[]>();
  readonly #scrapes = new Map<string, Scrape>();
  readonly #known = new Map<string, number>();
  #closed = false;

  constructor(options: CoordinatorOptions) {
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#registrationTimeoutMs = options.registrationTimeoutMs;
  }

  /** A client's long poll: resolves with the next scrape for `fqdn`. */
  waitForScrapeInstruction(fqdn: string): PendingPoll {
    if (this.#closed) return { instruction: Promise.reject(new PollExpiredError()), cancel: () => undefined };
    this.#known.set(fqdn, this.#clock.now());
    const previous = this.#waiters.get(fqdn);
    if (previous) {
      this.#waiters.delete(fqdn);
      previous.reject(new PollExpiredError());
    }
    const queued = this.#dequeue(fqdn);
    if (queued) return { instruction: Promise.resolve(queued), cancel: () => undefined };
    let waiter!: Waiter;
    const instruction = new Promise<ScrapeInstruction>((resolve, reject) => (waiter = { resolve, reject }));
    this.#waiters.set(fqdn, waiter);
    return {
      instruction,
      cancel: () => {
        if (this.#waiters.get(fqdn) === waiter) this.#waiters.delete(fqdn);
      },
    };
  }

  /**
   * Sends a scrape to the client polling as `fqdn` and resolves with its pushed response.
   * `url` appears in timeout messages; `signal` abandons the scrape (the scraper hung up).
   */
  scrape(
    fqdn: string,
    id: string,
    url: string,
    request: Buffer,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<ScrapeResponse> {
    return new Promise<ScrapeResponse>((resolve, reject) => {
      const finish = (): void => {
        scrape.state = 'done';
        scrape.timer.cancel();
        this.#scrapes.delete(id);
        signal?.removeEventListener('abort', onAbort);
      };
      const scrape: Scrape = {
        id,
        fqdn,
        url,
        request,
        state: 'queued',
        resolve: (response) => {
          finish();
          resolve(response);
        },
        reject: (error) => {
          if (scrape.state === 'queued') this.#unqueue(scrape);
          finish();
          reject(error);
        },
        timer: { cancel: () => undefined },
      };
      const onAbort = (): void => {
        if (scrape.state !== 'done') scrape.reject(new ScrapeCancelledError());
      };
      if (signal?.aborted) {
        reject(new ScrapeCancelledError());
        return;
      }
      signal?.addEventListener('abort', onAbort);
      this.#scrapes.set(id, scrape);
      scrape.timer = this.#clock.setTimeout(
        () => {
          if (scrape.state !== 'done')
            scrape.reject(new ScrapeTimeoutError(scrape.state === 'queued' ? 'poll' : 'push', url));
        },
        Math.max(0, timeoutMs),
      );
      const waiter = this.#waiters.get(fqdn);
      if (waiter) {
        this.#waiters.delete(fqdn);
        scrape.state = 'taken';
        waiter.resolve({ id, request });
      } else {
        const queue = this.#queues.get(fqdn);
        if (queue) queue.push(scrape);
        else this.#queues.set(fqdn, [scrape]);
      }
    });
  }

  /**
   * Hands a pushed response to the scrape waiting under `id`. Returns false when no such
   * scrape is waiting (unknown id, already answered, timed out); `accept` may refuse a
   * scrape (a client answering for a FQDN it may not serve) and then false is returned too.
   */
  deliver(id: string, response: ScrapeResponse, accept: (fqdn: string) => boolean = () => true): boolean {
    const scrape = this.#scrapes.get(id);
    if (!scrape || scrape.state !== 'taken' || !accept(scrape.fqdn)) return false;
    scrape.resolve(response);
    return true;
  }

  /** Whether a poll from `fqdn` is waiting now (a live client re-polls at once after each scrape it takes). */
  hasWaitingPoll(fqdn: string): boolean {
    return this.#waiters.has(fqdn);
  }

  /** Whether scrape `id` was handed to a client and is still waiting for its push. */
  isTaken(id: string): boolean {
    return this.#scrapes.get(id)?.state === 'taken';
  }

  /** Fails a scrape a client took but can no longer answer (its connection died); false if already settled. */
  abandon(id: string, error: Error): boolean {
    const scrape = this.#scrapes.get(id);
    if (!scrape || scrape.state !== 'taken') return false;
    scrape.reject(error);
    return true;
  }

  /** FQDNs that polled within the registration timeout, in first-seen order. */
  knownClients(): string[] {
    const cutoff = this.#clock.now() - this.#registrationTimeoutMs;
    return [...this.#known].filter(([, seen]) => seen > cutoff).map(([fqdn]) => fqdn);
  }

  /** Forgets clients not seen within the registration timeout; returns how many. */
  collectGarbage(): number {
    const cutoff = this.#clock.now() - this.#registrationTimeoutMs;
    let removed = 0;
    for (const [fqdn, seen] of this.#known) {
      if (seen <= cutoff && !this.#waiters.has(fqdn)) {
        this.#known.delete(fqdn);
        removed++;
      }
    }
    return removed;
  }

  /** Scrapes not yet settled (queued or taken). */
  get inFlight(): number {
    return this.#scrapes.size;
  }

  /** Expires every waiting poll and fails every scrape (shutdown); later polls expire at once. */
  close(): void {
    this.#closed = true;
    for (const [fqdn, waiter] of this.#waiters) {
      this.#waiters.delete(fqdn);
      waiter.reject(new PollExpiredError());
    }
    for (const scrape of [...this.#scrapes.values()]) scrape.reject(new ScrapeCancelledError());
  }

  #dequeue(fqdn: string): ScrapeInstruction | undefined {
    const queue = this.#queues.get(fqdn);
    const next = queue?.shift();
    if (queue && queue.length === 0) this.#queues.delete(fqdn);
    if (!next) return undefined;
    next.state = 'taken';
    return { id: next.id, request: next.request };
  }

  #unqueue(scrape: Scrape): void {
    const queue = this.#queues.get(scrape.fqdn);
    if (!queue) return;
    const at = queue.indexOf(scrape);
    if (at >= 0) queue.splice(at, 1);
    if (queue.length === 0) this.#queues.delete(scrape.fqdn);
  }
}
