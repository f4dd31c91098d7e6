import { describe, expect, it } from 'vitest';
import type { ScrapeResponse } from '@argus/pushprox';
import { Coordinator } from './coordinator.ts';
import type { CoordinatorClock } from './coordinator.ts';
import { PollExpiredError, ScrapeCancelledError, ScrapeTimeoutError } from './errors.ts';

/** A clock whose timers fire only when `advance` passes them. */
class ManualClock implements CoordinatorClock {
  time = 0;
  #timers: { at: number; callback: () => void; live: boolean }[] = [];
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number) {
    const timer = { at: this.time + ms, callback, live: true };
    this.#timers.push(timer);
    return { cancel: () => void (timer.live = false) };
  }
  advance(ms: number): void {
    this.time += ms;
    for (const timer of this.#timers.filter((t) => t.live && t.at <= this.time)) {
      timer.live = false;
      timer.callback();
    }
  }
}

const response = (body: string): ScrapeResponse => ({
  statusCode: 200,
  statusText: 'OK',
  headers: [],
  body: Buffer.from(body),
});
const setup = () => {
  const clock = new ManualClock();
  return { clock, coordinator: new Coordinator({ registrationTimeoutMs: 300_000, clock }) };
};

describe('Coordinator', () => {
  it('hands a scrape to the waiting poll and the pushed response to that scrape', async () => {
    const { coordinator } = setup();
    const poll = coordinator.waitForScrapeInstruction('host-a');
    const scrape = coordinator.scrape(
      'host-a',
      'id-1',
      'http://host-a:9100/metrics',
      Buffer.from('GET'),
      10_000,
    );
    const instruction = await poll.instruction;
    expect(instruction).toEqual({ id: 'id-1', request: Buffer.from('GET') });
    expect(coordinator.deliver('id-1', response('x 1\n'))).toBe(true);
    expect((await scrape).body.toString()).toBe('x 1\n');
    expect(coordinator.inFlight).toBe(0);
  });

  it('queues scrapes that arrive before any poll, in order', async () => {
    const { coordinator } = setup();
    void coordinator.scrape('h', 'a', 'u', Buffer.from('1'), 10_000).catch(() => undefined);
    void coordinator.scrape('h', 'b', 'u', Buffer.from('2'), 10_000).catch(() => undefined);
    expect((await coordinator.waitForScrapeInstruction('h').instruction).id).toBe('a');
    expect((await coordinator.waitForScrapeInstruction('h').instruction).id).toBe('b');
  });

  it('expires the older poll when the same fqdn polls again (newest wins)', async () => {
    const { coordinator } = setup();
    const first = coordinator.waitForScrapeInstruction('h');
    const second = coordinator.waitForScrapeInstruction('h');
    await expect(first.instruction).rejects.toBeInstanceOf(PollExpiredError);
    void coordinator.scrape('h', 'a', 'u', Buffer.from('1'), 10_000).catch(() => undefined);
    expect((await second.instruction).id).toBe('a');
  });

  it.each([
    {
      name: 'no client polled',
      poll: false,
      want: 'timeout reached for "http://h:1/m": context deadline exceeded',
    },
    { name: 'client took it and never pushed', poll: true, want: 'context deadline exceeded' },
  ])('times out when $name', async ({ poll, want }) => {
    const { clock, coordinator } = setup();
    if (poll) void coordinator.waitForScrapeInstruction('h');
    const scrape = coordinator.scrape('h', 'a', 'http://h:1/m', Buffer.from('1'), 5_000);
    clock.advance(4_999);
    expect(coordinator.inFlight).toBe(1);
    clock.advance(1);
    await expect(scrape).rejects.toThrow(new ScrapeTimeoutError(poll ? 'push' : 'poll', 'http://h:1/m'));
    await expect(scrape).rejects.toThrow(want);
    expect(coordinator.deliver('a', response(''))).toBe(false);
    // A timed-out queued scrape is not handed to a later poll.
    const later = coordinator.waitForScrapeInstruction('h');
    let settled = false;
    void later.instruction.then(
      () => (settled = true),
      () => (settled = true),
    );
    await Promise.resolve();
    expect(settled).toBe(false);
  });

  it('does not let a slow client hold scrapes of other clients', async () => {
    const { coordinator } = setup();
    void coordinator.waitForScrapeInstruction('slow');
    const fast = coordinator.waitForScrapeInstruction('fast');
    const slowScrape = coordinator.scrape('slow', 's', 'u', Buffer.from('s'), 60_000);
    const fastScrape = coordinator.scrape('fast', 'f', 'u', Buffer.from('f'), 60_000);
    expect((await fast.instruction).id).toBe('f');
    coordinator.deliver('f', response('fast'));
    expect((await fastScrape).body.toString()).toBe('fast');
    coordinator.close();
    await expect(slowScrape).rejects.toBeInstanceOf(ScrapeCancelledError);
    await expect(coordinator.waitForScrapeInstruction('fast').instruction).rejects.toBeInstanceOf(
      PollExpiredError,
    );
  });

  it('drops a scrape abandoned by its scraper and refuses its late push', async () => {
    const { coordinator } = setup();
    void coordinator.waitForScrapeInstruction('h');
    const abort = new AbortController();
    const scrape = coordinator.scrape('h', 'a', 'u', Buffer.from('1'), 60_000, abort.signal);
    abort.abort();
    await expect(scrape).rejects.toBeInstanceOf(ScrapeCancelledError);
    expect(coordinator.deliver('a', response(''))).toBe(false);
    expect(coordinator.inFlight).toBe(0);
  });

  it('refuses a push the accept check rejects (foreign fqdn)', async () => {
    const { coordinator } = setup();
    void coordinator.waitForScrapeInstruction('h');
    void coordinator.scrape('h', 'a', 'u', Buffer.from('1'), 60_000).catch(() => undefined);
    expect(coordinator.deliver('a', response(''), (fqdn) => fqdn === 'other')).toBe(false);
    expect(coordinator.deliver('a', response(''), (fqdn) => fqdn === 'h')).toBe(true);
  });

  it('a cancelled poll gets no scrape; the scrape waits for the next poll', async () => {
    const { coordinator } = setup();
    const gone = coordinator.waitForScrapeInstruction('h');
    gone.cancel();
    void coordinator.scrape('h', 'a', 'u', Buffer.from('1'), 60_000).catch(() => undefined);
    expect((await coordinator.waitForScrapeInstruction('h').instruction).id).toBe('a');
  });

  it('lists clients seen within the registration timeout and collects the rest', () => {
    const { clock, coordinator } = setup();
    coordinator.waitForScrapeInstruction('old').cancel();
    clock.advance(200_000);
    coordinator.waitForScrapeInstruction('new').cancel();
    expect(coordinator.knownClients()).toEqual(['old', 'new']);
    clock.advance(100_000);
    expect(coordinator.knownClients()).toEqual(['new']);
    expect(coordinator.collectGarbage()).toBe(1);
    expect(coordinator.knownClients()).toEqual(['new']);
  });
});
