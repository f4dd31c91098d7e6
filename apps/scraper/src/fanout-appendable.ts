import type { Appendable, Appender } from '@argus/storage';
import { noteHighestTimestamp, remoteMetrics } from './metrics/self-metrics.ts';

/**
 * Writes every sample to each destination; the destinations can be swapped on reload
 * while loops keep their reference to this object. With none, samples are discarded.
 * With exactly one, refs pass through both ways (the scrape cache keeps the queue's ref and
 * hands it back next scrape: no lookup per sample); with several, destinations get 0 and
 * look series up themselves. A ref a destination does not recognise is only a missed hint.
 * Committed samples count once here into `prometheus_remote_storage_samples_in_total` and
 * `…_highest_timestamp_in_seconds` (upstream counts them once, at the WAL, not per queue).
 */
export class FanoutAppendable implements Appendable {
  destinations: readonly Appendable[] = [];

  appender(): Appender {
    const apps = this.destinations.map((d) => d.appender());
    const only = apps.length === 1 ? apps[0] : undefined;
    let samples = 0;
    let highest = -Infinity;
    return {
      append: (ref, labels, t, v) => {
        samples++;
        if (t > highest) highest = t;
        if (only !== undefined) return only.append(ref, labels, t, v);
        for (const a of apps) a.append(0, labels, t, v);
        return ref;
      },
      commit: async () => {
        if (apps.length > 0 && samples > 0) {
          remoteMetrics.samplesIn.inc(samples);
          noteHighestTimestamp(highest / 1000);
        }
        await Promise.all(apps.map((a) => a.commit()));
      },
      rollback: async () => {
        samples = 0;
        highest = -Infinity;
        await Promise.all(apps.map((a) => a.rollback()));
      },
    };
  }
}
