const legacyMetricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const legacyLabelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const needsEscapeWithQuote = /[\\"\n]/;
const needsEscape = /[\\\n]/;

/** Escapes `\`, `"` and newline as label values (and quoted names) require in both formats. */
export function escapeLabelValue(s: string): string {
  if (!needsEscapeWithQuote.test(s)) return s;
  return s.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : '\\' + c));
}

/**
 * Escapes a HELP text: `\` and newline in the text format; also `"` in OpenMetrics,
 * whose HELP is an escaped string like a label value.
 */
export function escapeHelp(s: string, openMetrics: boolean): string {
  if (openMetrics) return escapeLabelValue(s);
  if (!needsEscape.test(s)) return s;
  return s.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

/** A metric name as written in metadata lines: bare when legacy-valid, else quoted (`"my.metric"`). */
export function formatMetricNameToken(name: string): string {
  return legacyMetricName.test(name) ? name : `"${escapeLabelValue(name)}"`;
}

/** A label name as written in a label set: bare when legacy-valid, else quoted. */
export function formatLabelNameToken(name: string): string {
  return legacyLabelName.test(name) ? name : `"${escapeLabelValue(name)}"`;
}

/** True when `name` needs the quoted form (Prometheus 3.x UTF-8 names). */
export function isLegacyMetricName(name: string): boolean {
  return legacyMetricName.test(name);
}
