import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlockSeries } from './block-writer.ts';
import { compareLabelFlats } from './string-order.ts';
import { encodeXorChunks } from './xor-chunks.ts';

/** Samples of one synthetic series as plain arrays (test-only helper). */
export interface PlainSeries {
  labels: string[];
  ts: number[];
  vs: number[];
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Deterministic node-exporter-like series: `count` series × `samples` samples every `stepMs`. */
export function syntheticSeries(
  count: number,
  samples: number,
  startMs: number,
  stepMs = 15_000,
): PlainSeries[] {
  const out: PlainSeries[] = [];
  for (let i = 0; i < count; i++) {
    const labels = [
      '__name__',
      `metric_${i % 7}`,
      'instance',
      `host-${String(i).padStart(3, '0')}:9100`,
      'job',
      'node',
    ];
    const ts: number[] = [];
    const vs: number[] = [];
    let v = i * 10;
    for (let k = 0; k < samples; k++) {
      ts.push(startMs + k * stepMs);
      v += (k * 7 + i) % 5 === 0 ? 0 : ((k + i) % 3) * 0.5;
      vs.push(v);
    }
    out.push({ labels, ts, vs });
  }
  return out.sort((a, b) => compareLabelFlats(a.labels, b.labels));
}

/** Turns plain series into writer input (XOR chunks of 120 samples). */
export function toBlockSeries(series: readonly PlainSeries[]): BlockSeries[] {
  return series.map((s) => ({ labels: s.labels, chunks: encodeXorChunks(s.ts, s.vs) }));
}

export function symbolsOf(series: readonly { labels: readonly string[] }[]): Set<string> {
  const out = new Set<string>();
  for (const s of series) for (const x of s.labels) out.add(x);
  return out;
}
