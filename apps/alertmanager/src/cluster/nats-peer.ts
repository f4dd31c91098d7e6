import type { Bus } from '@argus/bus';
import type { Logger } from '@argus/service-kit';
import { encodeJson, parseHeartbeat } from './cluster-messages.ts';
import type { ClusterPeer, ClusterStatus } from './cluster-peer.ts';

export interface NatsPeerOptions {
  readonly bus: Bus;
  readonly subject: string;
  readonly name: string;
  readonly address: string;
  /** Between two heartbeats of this replica (ms). A member unheard for 3 of them is gone. */
  readonly heartbeatMs: number;
  /** `--cluster.settle-timeout`: ready at the latest this long after start. */
  readonly settleTimeoutMs: number;
  /** Resolves when the replicated state has been read (settling waits for it). */
  readonly stateLoaded: Promise<void>;
  readonly logger: Logger;
}

/**
 * Cluster membership over core NATS: every replica publishes a heartbeat on the peers
 * subject; the members are those heard within 3 heartbeat intervals (plus this one).
 * Settling follows upstream's rule with heartbeats for gossip rounds: ready once the
 * replicated state is loaded and the member count stayed the same for 3 polls in a row,
 * or when the settle timeout ends. When NATS is unreachable the others fade out and
 * this replica becomes position 0: it fails open, as upstream does.
 */
export class NatsPeer implements ClusterPeer {
  readonly name: string;
  readonly #members = new Map<string, { address: string; lastSeenMs: number }>();
  readonly #startedAtMs = Date.now();
  #sub: ReturnType<Bus['nc']['subscribe']> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #ready = false;
  #markReady: () => void = () => undefined;
  readonly #settled = new Promise<void>((resolve) => (this.#markReady = resolve));

  constructor(readonly options: NatsPeerOptions) {
    this.name = options.name;
  }

  start(): void {
    const { bus, subject } = this.options;
    this.#sub = bus.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err !== null) return;
        const hb = parseHeartbeat(msg.data);
        if (hb === undefined || hb.name === this.name) return;
        if (hb.leaving) {
          this.#members.delete(hb.name);
          this.options.logger.info({ peer: hb.name }, 'Peer left the cluster');
          return;
        }
        const known = this.#members.has(hb.name);
        this.#members.set(hb.name, { address: hb.address, lastSeenMs: Date.now() });
        if (!known) {
          this.options.logger.info({ peer: hb.name, addr: hb.address }, 'Peer joined the cluster');
          this.#publish(false); // a newcomer learns about us at once
        }
      },
    });
    this.#publish(false);
    this.#heartbeat = setInterval(() => this.#publish(false), this.options.heartbeatMs);
    this.#heartbeat.unref();
    let loaded = false;
    void this.options.stateLoaded.then(() => (loaded = true));
    let lastCount = -1;
    let stablePolls = 0;
    this.#poll = setInterval(() => {
      this.#prune();
      const count = this.#members.size + 1;
      stablePolls = count === lastCount ? stablePolls + 1 : 0;
      lastCount = count;
      const timedOut = Date.now() - this.#startedAtMs >= this.options.settleTimeoutMs;
      if (!this.#ready && ((loaded && stablePolls >= 3) || timedOut)) {
        this.#ready = true;
        this.options.logger.info(
          { peers: count, elapsedMs: Date.now() - this.#startedAtMs },
          'Cluster settled',
        );
        this.#markReady();
      }
    }, this.options.heartbeatMs);
    this.#poll.unref();
  }

  /** Tells the others this replica leaves, then stops. */
  async stop(): Promise<void> {
    clearInterval(this.#heartbeat);
    clearInterval(this.#poll);
    this.#markReady();
    this.#publish(true);
    await this.options.bus.nc.flush().catch(() => undefined);
    this.#sub?.unsubscribe();
  }

  position(): number {
    this.#prune();
    let pos = 0;
    for (const name of this.#members.keys()) if (name < this.name) pos++;
    return pos;
  }

  settled(): Promise<void> {
    return this.#settled;
  }

  status(): ClusterStatus {
    this.#prune();
    const peers = [
      { name: this.name, address: this.options.address },
      ...[...this.#members].map(([name, m]) => ({ name, address: m.address })),
    ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { name: this.name, status: this.#ready ? 'ready' : 'settling', peers };
  }

  #prune(): void {
    const cutoff = Date.now() - 3 * this.options.heartbeatMs - 250;
    for (const [name, m] of this.#members) {
      if (m.lastSeenMs < cutoff) {
        this.#members.delete(name);
        this.options.logger.warn({ peer: name }, 'Peer not heard from; removed from the cluster');
      }
    }
  }

  #publish(leaving: boolean): void {
    if (this.options.bus.nc.isClosed()) return;
    const hb = { name: this.name, address: this.options.address, ...(leaving ? { leaving: true } : {}) };
    try {
      this.options.bus.nc.publish(this.options.subject, encodeJson(hb));
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'Publishing the cluster heartbeat failed');
    }
  }
}
