import { formatMatchers, matchAll } from './am-matcher.ts';
import type { AmMatcher } from './am-matcher.ts';

/** Resolved options of a route node after inheritance (NOTES §1.1). */
export interface RouteOptions {
  readonly receiver: string;
  /** Sorted label names to group by; empty with `groupByAll` for `'...'`. */
  readonly groupBy: readonly string[];
  readonly groupByAll: boolean;
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

/** Upstream defaults for the root route. */
export const DEFAULT_ROUTE_OPTIONS: RouteOptions = {
  receiver: '',
  groupBy: [],
  groupByAll: false,
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * 60_000,
  repeatIntervalMs: 4 * 3_600_000,
  muteTimeIntervals: [],
  activeTimeIntervals: [],
  labels: {},
};

/**
 * A node of the routing tree. Matching is depth-first, left to right: a node whose
 * matchers fail returns nothing; otherwise children are tried in order, stopping after
 * the first that matched unless that child has `continue`; with no child matching, the
 * node itself is the match.
 */
export class Route {
  readonly routes: Route[] = [];
  /** Post-order index, unique in the tree (the root has the highest). */
  idx = 0;
  #siblingIndex = 0;

  constructor(
    readonly parent: Route | undefined,
    readonly options: RouteOptions,
    /** Sorted by name, type, value. */
    readonly matchers: readonly AmMatcher[],
    readonly continueMatching: boolean,
  ) {}

  /** Adds a child and numbers it among its siblings. */
  addChild(child: Route): void {
    child.#siblingIndex = this.routes.length;
    this.routes.push(child);
  }

  /** Numbers every node in post-order; call once on the root after building. */
  assignIndices(): number {
    let next = 0;
    const visit = (r: Route): void => {
      for (const c of r.routes) visit(c);
      r.idx = next++;
    };
    visit(this);
    return next;
  }

  /** The leaf routes an alert with `labels` goes to, in order. */
  match(labels: Readonly<Record<string, string>>): Route[] {
    if (!matchAll(this.matchers, labels)) return [];
    const all: Route[] = [];
    for (const child of this.routes) {
      const found = child.match(labels);
      all.push(...found);
      if (found.length > 0 && !child.continueMatching) break;
    }
    return all.length === 0 ? [this] : all;
  }

  /** `{}` for the root, then `/{matchers}` per level (not unique). */
  key(): string {
    const own = formatMatchers(this.matchers);
    return this.parent === undefined ? own : `${this.parent.key()}/${own}`;
  }

  /** The key with `/<sibling index>` after each non-root level (unique). */
  id(): string {
    if (this.parent === undefined) return formatMatchers(this.matchers);
    return `${this.parent.id()}/${formatMatchers(this.matchers)}/${this.#siblingIndex}`;
  }

  /** Visits every node depth-first, pre-order. */
  walk(visit: (route: Route) => void): void {
    visit(this);
    for (const c of this.routes) c.walk(visit);
  }
}
