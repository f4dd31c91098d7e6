import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, STALE_NAN, isStaleNaN } from '@argus/model';
import { afterEach, describe, expect, it } from 'vitest';
import { openTsdb } from './tsdb.ts';
import type { Tsdb } from './tsdb.ts';
import { listSegments, segmentName } from './wal/segment.ts';

const dirs: string[] = [];
const open: Tsdb[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'argus-tsdb-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function openDb(dir: string, options = {}): Promise<Tsdb> {
  const db = await openTsdb(dir, options);
  open.push(db);
  return db;
}

const H = 3_600_000;

/** One commit per call: `n` series × samples at t in [from, to] step 15s. */
async function ingest(db: Tsdb, n: number, from: number, to: number): Promise<void> {
  const app = db.appender();
  for (let t = from; t <= to; t += 15_000) {
    for (let i = 0; i < n; i++) app.append(0, Labels.of('__name__', 'm', 'i', String(i)), t, t / 1000 + i);
  }
  await app.commit();
}

async function dump(db: Tsdb): Promise<string[]> {
  const q = await db.querier(-Infinity, Infinity);
  const out: string[] = [];
  for (const s of await q.select([Matcher.regex('__name__', '.+')], undefined, true)) {
    const b = s.samples(-Infinity, Infinity);
    for (let i = 0; i < b.length; i++)
      out.push(
        `${s.labels.toString()} ${b.timestamps[i]} ${isStaleNaN(b.values[i]!) ? 'stale' : b.values[i]}`,
      );
  }
  return out;
}

describe('Tsdb', () => {
  it('replays every committed sample after a restart, StaleNaN included', async () => {
    const dir = tmp();
    const db = await openDb(dir);
    await ingest(db, 5, 0, 20 * 60_000);
    const app = db.appender();
    app.append(0, Labels.of('__name__', 'm', 'i', '0'), 30 * 60_000, STALE_NAN);
    await app.commit();
    const before = await dump(db);
    await db.close();
    const again = await openDb(dir);
    expect(again.replay.samples).toBe(before.length);
    expect(again.replay.repaired).toBeUndefined();
    expect(await dump(again)).toEqual(before);
    expect(before.some((l) => l.endsWith('stale'))).toBe(true);
    // Ordering rules hold across restarts.
    expect(() => again.appender().append(0, Labels.of('__name__', 'm', 'i', '0'), 60_000, 1)).toThrow(
      /out of order/,
    );
  });

  it('repairs a segment torn mid-record (simulated crash) and keeps every earlier commit', async () => {
    const dir = tmp();
    const db = await openDb(dir);
    await ingest(db, 3, 0, 60_000);
    const kept = await dump(db);
    await ingest(db, 3, 75_000, 120_000);
    // Do not close: a crash leaves the segment as written; cut into the last record.
    const seg = join(dir, 'wal', segmentName(db.wal.currentSegment));
    truncateSync(seg, statSync(seg).size - 5);
    open.splice(open.indexOf(db), 1);
    db.wal.close();
    const again = await openDb(dir);
    expect(again.replay.repaired?.reason).toMatch(/torn/);
    expect(await dump(again)).toEqual(kept);
    // The repaired WAL keeps working: ingest, restart, nothing lost, no repair needed.
    await ingest(again, 3, 75_000, 90_000);
    const after = await dump(again);
    await again.close();
    const third = await openDb(dir);
    expect(third.replay.repaired).toBeUndefined();
    expect(await dump(third)).toEqual(after);
  });

  it('repairs a corrupt middle segment: keeps what precedes it, deletes later segments, reports', async () => {
    const dir = tmp();
    const db = await openDb(dir, { walSegmentSizeBytes: 64 * 1024, walCompression: false });
    for (let k = 0; k < 12; k++) await ingest(db, 100, k * 600_000, k * 600_000 + 300_000);
    await db.close();
    const segs = listSegments(join(dir, 'wal'));
    expect(segs.length).toBeGreaterThan(3);
    const victim = segs[1]!;
    const path = join(dir, 'wal', segmentName(victim));
    const bytes = readFileSync(path);
    bytes[5000] = bytes[5000]! ^ 0xff;
    writeFileSync(path, bytes);
    const again = await openDb(dir, { walSegmentSizeBytes: 64 * 1024 });
    expect(again.replay.repaired?.segment).toBe(victim);
    expect(again.replay.repaired?.reason).toMatch(/checksum/);
    expect(again.replay.repaired?.deletedSegments).toEqual(segs.slice(2));
    expect(statSync(path).size).toBeLessThan(5000);
    // Everything of the first segment is there.
    const got = await dump(again);
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBe(again.replay.samples);
  });

  it('skips samples older than minValidTimeMs on replay', async () => {
    const dir = tmp();
    const db = await openDb(dir);
    await ingest(db, 1, 0, 150_000);
    await db.close();
    const again = await openDb(dir, { minValidTimeMs: 100_000 });
    expect((await dump(again)).length).toBe(4);
  });

  it('replays out-of-order samples into the out-of-order store', async () => {
    const dir = tmp();
    const db = await openDb(dir, { outOfOrderTimeWindowMs: H });
    await ingest(db, 1, 600_000, 600_000);
    const app = db.appender();
    app.append(0, Labels.of('__name__', 'm', 'i', '0'), 300_000, 3);
    await app.commit();
    const before = await dump(db);
    expect(before.length).toBe(2);
    await db.close();
    expect(await dump(await openDb(dir, { outOfOrderTimeWindowMs: H }))).toEqual(before);
  });

  it('replays deletions', async () => {
    const dir = tmp();
    const db = await openDb(dir);
    await ingest(db, 2, 0, 150_000);
    await db.delete(30_000, 60_000, [Matcher.equal('i', '1')]);
    const before = await dump(db);
    await db.close();
    expect(await dump(await openDb(dir))).toEqual(before);
  });

  it('checkpoints and truncates the WAL after head truncation, and replays from the checkpoint', async () => {
    const dir = tmp();
    const db = await openDb(dir, { walSegmentSizeBytes: 64 * 1024 });
    // Series 0..49 live until 3h; series "gone" only before 2h.
    for (let t = 0; t < 3 * H; t += 10 * 60_000) {
      await ingest(db, 50, t, t + 9 * 60_000);
      if (t < 2 * H) {
        const app = db.appender();
        app.append(0, Labels.of('__name__', 'gone'), t, 1);
        await app.commit();
      }
    }
    const segmentsBefore = listSegments(join(dir, 'wal')).length;
    expect(segmentsBefore).toBeGreaterThan(3);
    const r = await db.truncateHead(2 * H);
    expect(r.seriesRemoved).toBe(1);
    expect(r.checkpoint).toBeDefined();
    expect(r.checkpoint!.droppedSeries).toBeGreaterThan(0);
    const walFiles = readdirSync(join(dir, 'wal'));
    expect(walFiles).toContain(`checkpoint.${segmentName(r.checkpoint!.index)}`);
    expect(listSegments(join(dir, 'wal'))[0]).toBe(r.checkpoint!.index + 1);
    const before = await dump(db);
    await db.close();
    const again = await openDb(dir, { walSegmentSizeBytes: 64 * 1024 });
    expect(again.replay.checkpoint).toBe(r.checkpoint!.index);
    const after = await dump(again);
    // Samples before 2h may survive in segments newer than the checkpoint; everything from 2h on is identical.
    const from2h = (l: string): boolean => Number(l.split(' ').at(-2)) >= 2 * H;
    expect(after.filter(from2h)).toEqual(before.filter(from2h));
    expect(existsSync(join(dir, 'wal', segmentName(0)))).toBe(false);
  });

  it('cuts the head into blocks, serves blocks and head merged, and reopens from both', async () => {
    const dir = tmp();
    const db = await openDb(dir);
    await ingest(db, 5, 0, 5 * H);
    const before = await dump(db);
    const written = await db.compact();
    expect(written.length).toBeGreaterThan(0);
    expect(db.blocks.blocks.length).toBeGreaterThan(0);
    expect(db.head.minTimeMs).toBeGreaterThanOrEqual(2 * H);
    expect(await dump(db)).toEqual(before);
    await db.close();
    open.splice(open.indexOf(db), 1);

    const reopened = await openDb(dir);
    expect(await dump(reopened)).toEqual(before);
    // Samples the blocks already hold are out of bounds for the head.
    const app = reopened.appender();
    expect(() => app.append(0, Labels.of('__name__', 'm', 'i', '0'), H, 1)).toThrow(/out of bounds/);
    await app.rollback();
  });

  it('deletes from blocks and head alike', async () => {
    const db = await openDb(tmp());
    await ingest(db, 2, 0, 5 * H);
    await db.compact();
    await db.delete(-Infinity, Infinity, [Matcher.equal('i', '1')]);
    const rows = await dump(db);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.includes('i="0"'))).toBe(true);
  });

  it('writes a snapshot that opens as a database holding every sample', async () => {
    const dir = tmp();
    const db = await openDb(dir);
    await ingest(db, 3, 0, 5 * H);
    await db.compact();
    const snapshotDir = join(tmp(), 'snap');
    const ulids = await db.snapshot(snapshotDir);
    expect(ulids.length).toBeGreaterThan(1);
    const copy = await openDb(snapshotDir);
    expect(await dump(copy)).toEqual(await dump(db));
  });

  it('refuses appends after close', async () => {
    const db = await openDb(tmp());
    await db.close();
    expect(() => db.appender()).toThrow(/closed/);
  });
});
