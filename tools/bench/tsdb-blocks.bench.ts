// TSDB blocks: bytes per sample on disk, chunks alone and with the index, for a block
// Argus writes (samples appended to @argus/tsdb's head, cut into a 2h block by
// BlockStore) versus the block Debian's `promtool tsdb create-blocks-from openmetrics`
// (Prometheus 2.42) writes from the same samples, in the same run. Two data sets:
// node-exporter-like (counters, slow gauges, constants) and busy (random gauges).
// Writes bench/results/tsdb-blocks.{json,md}.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatSpread, spread, writeResult, type Spread } from './measure.ts';

if (process.env['TSX_TSCONFIG_PATH'] === undefined) {
  const result = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, TSX_TSCONFIG_PATH: resolve(import.meta.dirname, '../tsconfig.json') },
  });
  process.exit(result.status ?? 1);
}

const { Labels } = await import('@argus/model');
const { BlockStore, Head, isUlid } = await import('@argus/tsdb');

const SERIES = Number(process.env['TSDB_BLOCKS_BENCH_SERIES'] ?? 2000);
const RUNS = Number(process.env['TSDB_BLOCKS_BENCH_RUNS'] ?? 3);
const INTERVAL_MS = 15_000;
const BLOCK_MS = 2 * 3600_000;
const T0 = 1_700_006_400_000; // aligned to 2h, so both sides cut exactly one block
const SCRAPES = BLOCK_MS / INTERVAL_MS;
const PROMTOOL = '/usr/bin/promtool';

type Kind = 'node' | 'busy';

/** mulberry32: a small seeded PRNG so both sides get identical data on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Dataset {
  labels: string[][];
  /** values[s * SCRAPES + k] */
  values: Float64Array;
}

function generate(kind: Kind, seed: number): Dataset {
  const rnd = prng(seed);
  const labels: string[][] = [];
  const values = new Float64Array(SERIES * SCRAPES);
  for (let s = 0; s < SERIES; s++) {
    const target = Math.floor(s / 500);
    const i = s % 500;
    let name: string;
    let next: (prev: number, k: number) => number;
    if (kind === 'busy') {
      name = `busy_gauge_${i % 50}`;
      next = () => Math.round(rnd() * 1e6) / 100;
    } else if (i % 5 === 0) {
      name = 'node_cpu_seconds_total'; // counter, fractional increments
      next = (prev) => Math.round((prev + rnd() * 15) * 100) / 100;
    } else if (i % 5 === 1) {
      name = 'node_network_receive_bytes_total'; // counter, integer increments
      next = (prev) => prev + Math.floor(rnd() * 20_000);
    } else if (i % 5 === 2) {
      name = 'node_memory_MemAvailable_bytes'; // gauge, moves now and then
      next = (prev, k) => (k === 0 || rnd() < 0.3 ? 8e9 + Math.floor(rnd() * 1e8) * 4096 : prev);
    } else if (i % 5 === 3) {
      name = 'node_filesystem_size_bytes'; // constant
      next = (prev, k) => (k === 0 ? 5e11 + i * 4096 : prev);
    } else {
      name = 'node_load1'; // gauge, two decimals
      next = () => Math.round(rnd() * 400) / 100;
    }
    labels.push(['__name__', name, 'instance', `10.0.${target}.1:9100`, 'job', 'node', 'series', String(i)]);
    let v = 0;
    for (let k = 0; k < SCRAPES; k++) {
      v = next(v, k);
      values[s * SCRAPES + k] = v;
    }
  }
  return { labels, values };
}

interface Sizes {
  samples: number;
  chunkBytes: number;
  indexBytes: number;
  wallSeconds: number;
}

function blockSizes(dbDir: string): Omit<Sizes, 'wallSeconds'> {
  const blocks = readdirSync(dbDir).filter(isUlid);
  let chunkBytes = 0;
  let indexBytes = 0;
  let samples = 0;
  for (const b of blocks) {
    for (const f of readdirSync(join(dbDir, b, 'chunks')))
      chunkBytes += statSync(join(dbDir, b, 'chunks', f)).size;
    indexBytes += statSync(join(dbDir, b, 'index')).size;
    const out = spawnSync(PROMTOOL, ['tsdb', 'list', dbDir], { encoding: 'utf8' }).stdout;
    const row = out.split('\n').find((l) => l.startsWith(b));
    samples += Number(row?.trim().split(/\s+/)[4] ?? 0);
  }
  if (blocks.length !== 1) throw new Error(`expected one block in ${dbDir}, found ${blocks.length}`);
  return { samples, chunkBytes, indexBytes };
}

async function ours(data: Dataset, dir: string): Promise<Sizes> {
  const head = new Head();
  const labels = data.labels.map((l) => Labels.of(...l));
  const refs = new Array<number>(labels.length).fill(0);
  for (let k = 0; k < SCRAPES; k++) {
    const app = head.appender();
    for (let s = 0; s < labels.length; s++)
      refs[s] = app.append(refs[s]!, labels[s]!, T0 + k * INTERVAL_MS, data.values[s * SCRAPES + k]!);
    await app.commit();
  }
  const store = BlockStore.open({ dir });
  const start = process.hrtime.bigint();
  const meta = await store.cutHead(head, T0, T0 + BLOCK_MS);
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  await store.close();
  if (!meta) throw new Error('no block written');
  return { ...blockSizes(dir), wallSeconds };
}

function theirs(data: Dataset, dir: string): Sizes {
  const lines: string[] = [];
  for (let s = 0; s < data.labels.length; s++) {
    const l = data.labels[s]!;
    const rest: string[] = [];
    for (let i = 2; i < l.length; i += 2) rest.push(`${l[i]}="${l[i + 1]}"`);
    const prefix = `${l[1]}{${rest.join(',')}} `;
    for (let k = 0; k < SCRAPES; k++)
      lines.push(`${prefix}${data.values[s * SCRAPES + k]} ${(T0 + k * INTERVAL_MS) / 1000}`);
  }
  lines.push('# EOF');
  const file = join(dir, '..', `input-${Date.now()}.om`);
  writeFileSync(file, lines.join('\n') + '\n');
  const start = process.hrtime.bigint();
  const res = spawnSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', file, dir], {
    encoding: 'utf8',
  });
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  rmSync(file);
  if (res.status !== 0) throw new Error(`promtool failed: ${res.stderr}`);
  return { ...blockSizes(dir), wallSeconds };
}

/** Whether the two databases' single blocks have byte-identical index and chunk segments. */
function identical(a: string, b: string): boolean {
  const [ba] = readdirSync(a).filter(isUlid);
  const [bb] = readdirSync(b).filter(isUlid);
  const files = ['index', ...readdirSync(join(a, ba!, 'chunks')).map((f) => join('chunks', f))];
  if (readdirSync(join(b, bb!, 'chunks')).length !== files.length - 1) return false;
  return files.every((f) => readFileSync(join(a, ba!, f)).equals(readFileSync(join(b, bb!, f))));
}

interface Figures {
  identicalRuns: number;
  ours: { chunks: Spread; withIndex: Spread; cutSeconds: Spread };
  theirs: { chunks: Spread; withIndex: Spread; importSeconds: Spread };
  samples: number;
}

async function measure(kind: Kind): Promise<Figures> {
  const acc = {
    oc: [] as number[],
    oi: [] as number[],
    ow: [] as number[],
    tc: [] as number[],
    ti: [] as number[],
    tw: [] as number[],
  };
  let samples = 0;
  let identicalRuns = 0;
  for (let run = 0; run < RUNS; run++) {
    const data = generate(kind, 42 + run);
    const base = mkdtempSync(join(tmpdir(), 'argus-bench-blocks-'));
    try {
      mkdirSync(join(base, 'ours'));
      const o = await ours(data, join(base, 'ours'));
      const t = theirs(data, join(base, 'theirs'));
      if (o.samples !== t.samples || o.samples !== SERIES * SCRAPES) {
        throw new Error(
          `sample counts differ: ours ${o.samples}, promtool ${t.samples}, input ${SERIES * SCRAPES}`,
        );
      }
      samples = o.samples;
      if (identical(join(base, 'ours'), join(base, 'theirs'))) identicalRuns++;
      acc.oc.push(o.chunkBytes / o.samples);
      acc.oi.push((o.chunkBytes + o.indexBytes) / o.samples);
      acc.ow.push(o.wallSeconds);
      acc.tc.push(t.chunkBytes / t.samples);
      acc.ti.push((t.chunkBytes + t.indexBytes) / t.samples);
      acc.tw.push(t.wallSeconds);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  }
  return {
    ours: { chunks: spread(acc.oc), withIndex: spread(acc.oi), cutSeconds: spread(acc.ow) },
    theirs: { chunks: spread(acc.tc), withIndex: spread(acc.ti), importSeconds: spread(acc.tw) },
    samples,
    identicalRuns,
  };
}

const results: Record<Kind, Figures> = { node: await measure('node'), busy: await measure('busy') };
const promtoolVersion = spawnSync(PROMTOOL, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];

const rows: string[] = [];
for (const kind of ['node', 'busy'] as const) {
  const r = results[kind];
  const label = kind === 'node' ? 'node-exporter-like' : 'busy (random gauges)';
  rows.push(
    `| ${label}: chunk bytes / sample | ${formatSpread(r.ours.chunks, 3)} | ${formatSpread(r.theirs.chunks, 3)} | ${(r.ours.chunks.median / r.theirs.chunks.median).toFixed(3)}× |`,
    `| ${label}: chunks + index bytes / sample | ${formatSpread(r.ours.withIndex, 3)} | ${formatSpread(r.theirs.withIndex, 3)} | ${(r.ours.withIndex.median / r.theirs.withIndex.median).toFixed(3)}× |`,
  );
}
const md = [
  '# TSDB blocks: bytes per sample on disk (@argus/tsdb vs Prometheus 2.42)',
  '',
  `${SERIES.toLocaleString('en')} series × ${SCRAPES} samples at 15 s (one aligned 2h block, ${(SERIES * SCRAPES).toLocaleString('en')} samples) per data set.`,
  'Ours: samples appended to the head, cut into a block by `BlockStore.cutHead`. Theirs: the same samples',
  `as OpenMetrics through \`promtool tsdb create-blocks-from openmetrics\` (${promtoolVersion}).`,
  `Median (min–max) over ${RUNS} runs, each with fresh seeded data; sample counts checked equal on both sides.`,
  '',
  '| figure | argus | Prometheus 2.42 | argus ÷ Prometheus |',
  '|---|---|---|---|',
  ...rows,
  '',
  `Index and chunk files byte-identical to promtool's: node ${results.node.identicalRuns}/${RUNS} runs, busy ${results.busy.identicalRuns}/${RUNS} runs.`,
  `Time to cut the head into the block (ours, wall s): node ${formatSpread(results.node.ours.cutSeconds)}, busy ${formatSpread(results.busy.ours.cutSeconds)}.`,
  "promtool's wall time includes parsing OpenMetrics text, so it is not comparable and not reported as a ratio.",
].join('\n');

writeResult(
  'tsdb-blocks',
  { series: SERIES, samplesPerSeries: SCRAPES, runs: RUNS, promtool: promtoolVersion, results },
  md,
);
