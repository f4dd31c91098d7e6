// Helpers of the shipping tests (remote write and NATS): what tsdb stored, and the gaps in it.

/** Timestamps (ms) of the `up` samples of the synthetic job that `tsdbUrl` stored over the last `seconds`. */
export async function upTimestamps(tsdbUrl: string, seconds: number): Promise<number[]> {
  const expr = `up{job="synthetic"}[${seconds}s]`;
  const res = await fetch(`${tsdbUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { data: { result: { values: [number, string][] }[] } };
  return (body.data.result[0]?.values ?? []).map(([t]) => Math.round(t * 1000));
}

/** The largest step between consecutive stored scrapes from `fromMs` on. */
export function largestStep(ts: number[], fromMs: number): number {
  const kept = ts.filter((t) => t >= fromMs);
  let max = 0;
  for (let i = 1; i < kept.length; i++) max = Math.max(max, kept[i]! - kept[i - 1]!);
  return max;
}

/** A scraper self-metric summed over its series (NaN when absent). */
export async function scraperMetric(scraperUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${scraperUrl}/metrics`)).text();
  const lines = text.split('\n').filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return lines.length === 0 ? NaN : lines.reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
