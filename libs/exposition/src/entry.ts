/**
 * What {@link ExpositionParser.next} found: a sample line, a metadata line, a comment, or
 * the end of the exposition (`EOF`: end of input for the text format, the `# EOF` line,
 * with nothing after it, for OpenMetrics).
 */
export const Entry = {
  EOF: 0,
  Series: 1,
  Help: 2,
  Type: 3,
  Unit: 4,
  Comment: 5,
} as const;

/** One of the {@link Entry} kinds. */
export type Entry = (typeof Entry)[keyof typeof Entry];
