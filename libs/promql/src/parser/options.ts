/**
 * Parser feature switches, named after Prometheus's `--enable-feature` flags. All default to
 * off, as in a default Prometheus 3.x server; the upstream test harness turns all of them on.
 */
export interface ParserOptions {
  /** `promql-experimental-functions`: experimental functions and the `limitk`/`limit_ratio` aggregations. */
  experimentalFunctions?: boolean;
  /** `promql-duration-expr`: arithmetic in ranges, steps and offsets (`[5m+1m]`, `offset (1m*2)`, `[step()]`). */
  durationExpressions?: boolean;
  /** `promql-extended-range-selectors`: the `anchored` and `smoothed` modifiers. */
  extendedRangeSelectors?: boolean;
  /** `promql-binop-fill-modifiers`: `fill()`, `fill_left()`, `fill_right()` on binary operators. */
  binopFillModifiers?: boolean;
}

/** Every feature on: what the upstream `promqltest` harness uses. */
export const ALL_PARSER_FEATURES: Readonly<Required<ParserOptions>> = Object.freeze({
  experimentalFunctions: true,
  durationExpressions: true,
  extendedRangeSelectors: true,
  binopFillModifiers: true,
});

/** Maps `--enable-feature` flag names to parser options; unknown names are ignored. */
export function parserOptionsFromFeatures(features: Iterable<string>): ParserOptions {
  const options: ParserOptions = {};
  for (const f of features) {
    if (f === 'promql-experimental-functions') options.experimentalFunctions = true;
    else if (f === 'promql-duration-expr') options.durationExpressions = true;
    else if (f === 'promql-extended-range-selectors') options.extendedRangeSelectors = true;
    else if (f === 'promql-binop-fill-modifiers') options.binopFillModifiers = true;
  }
  return options;
}
