import type { Appendable, Appender } from '@argus/storage';

/**
 * Writes every sample to each destination; the destinations can be swapped on reload
 * while loops keep their reference to this object. With none, samples are discarded.
 */
export class FanoutAppendable implements Appendable {
  destinations: readonly Appendable[] = [];

  appender(): Appender {
    const apps = this.destinations.map((d) => d.appender());
    return {
      append: (ref, labels, t, v) => {
        for (const a of apps) a.append(0, labels, t, v);
        return ref;
      },
      commit: async () => {
        await Promise.all(apps.map((a) => a.commit()));
      },
      rollback: async () => {
        await Promise.all(apps.map((a) => a.rollback()));
      },
    };
  }
}
