/** Label names to values, as a discovered target or group carries them. */
export type LabelSet = Record<string, string>;

/**
 * A group of targets from one discovery source, as upstream's `targetgroup.Group`: each
 * target is a label set holding at least `__address__`; `labels` apply to every target (a
 * target's own labels win). A group with no targets for a known `source` means the targets
 * that source had are gone (upstream sends such an empty group when an object is deleted).
 */
export interface TargetGroup {
  readonly source: string;
  readonly targets: readonly LabelSet[];
  readonly labels: LabelSet;
}

/**
 * The current groups of a discoverer that reports changes group by group: a later group
 * with the same `source` replaces the earlier one, an empty group removes it.
 */
export class TargetGroupSet {
  readonly #groups = new Map<string, TargetGroup>();

  update(groups: readonly TargetGroup[]): void {
    for (const g of groups) {
      if (g.targets.length === 0) this.#groups.delete(g.source);
      else this.#groups.set(g.source, g);
    }
  }

  /** Every group that has targets, in the order their sources were first seen. */
  groups(): TargetGroup[] {
    return [...this.#groups.values()];
  }

  get size(): number {
    return this.#groups.size;
  }
}
