import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRIC_NAME_LABEL } from '@argus/model';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { formatGoFloat, formatText } from '../src/index.ts';
import type { MetricFamily } from '../src/index.ts';
import { arbitraryFamily } from './arbitrary-families.ts';

// Prometheus's own OpenMetrics parser as the judge of what formatText writes: promtool
// backfills the text into a block (`tsdb create-blocks-from openmetrics`), then dumps the
// samples it stored (`tsdb dump`), which must be exactly ours.

const T0_MS = 1_700_000_000_000;
const hasPromtool = spawnSync('promtool', ['--version']).status === 0;
const work = mkdtempSync(join(tmpdir(), 'argus-exposition-promtool-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every sample stamped one second after the previous, so each series is in time order. */
function stamped(families: MetricFamily[]): MetricFamily[] {
  let i = 0;
  return families.map((f) => ({
    ...f,
    samples: f.samples.map((s) => ({ ...s, timestampMs: T0_MS + 1000 * i++ })),
  }));
}

/** The line `promtool tsdb dump` prints for each sample (labels as Go's %q, value as 'g'). */
function dumpLines(families: MetricFamily[]): string[] {
  return families
    .flatMap((f) =>
      f.samples.map((s) => {
        const labels = s.labels.builder().set(METRIC_NAME_LABEL, s.name).labels();
        return `${labels.toString()} ${formatGoFloat(s.value)} ${s.timestampMs}`;
      }),
    )
    .sort();
}

function promtool(args: string[]): string {
  const result = spawnSync('promtool', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`promtool ${args.join(' ')}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

// Label values and HELP from printable ASCII plus the escaped characters and some non-ASCII
// letters, where Go's %q in the dump and our quoting agree.
const char = fc.oneof(
  fc.constantFrom('\\', '"', '\n', '\u00e9', '\u00df', '\u{1F600}'),
  fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
);

describe.skipIf(!hasPromtool)("Prometheus's OpenMetrics parser (promtool) reads formatText", () => {
  it('stores exactly the samples we wrote, for 200 generated families in one exposition', () => {
    // One promtool run over many generated families, as promtool starts slowly: no shrinking
    // here, a failure shows promtool's own complaint or the differing samples.
    const generated = fc.sample(arbitraryFamily('openmetrics', { utf8Names: false, char }), {
      seed: 20261128,
      numRuns: 200,
    });
    const families = stamped(generated);
    const want = dumpLines(families);
    expect(want.length).toBeGreaterThan(200);
    mkdirSync(join(work, 'blocks', 'wal'), { recursive: true });
    const input = join(work, 'input.om');
    writeFileSync(input, formatText(families, 'openmetrics'));
    promtool(['tsdb', 'create-blocks-from', 'openmetrics', input, join(work, 'blocks')]);
    const got = promtool(['tsdb', 'dump', join(work, 'blocks')])
      .split('\n')
      .filter((l) => l !== '')
      .sort();
    expect(got).toEqual(want);
  }, 60_000);
});
