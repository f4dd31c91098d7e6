import { makeTempDir, waitFor } from '@argus/testkit';
import type { TempDir } from '@argus/testkit';
import {
  appendFileSync,
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { buildSync } from 'esbuild';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskQueue, DiskQueueError } from './disk-queue.ts';
import { RECORD_HEADER_BYTES, SEGMENT_HEADER } from './disk-queue-format.ts';

let tmp: TempDir;
let open: DiskQueue[];
beforeEach(async () => {
  tmp = await makeTempDir('disk-queue');
  open = [];
});
afterEach(async () => {
  for (const q of open) q.close();
  await tmp.remove();
});

function openQueue(options: Parameters<typeof DiskQueue.open>[1] = {}, dir = tmp.join('q')): DiskQueue {
  const q = DiskQueue.open(dir, options);
  open.push(q);
  return q;
}

const rec = (i: number, size = 20) => Buffer.from(`record-${i}-`.padEnd(size, 'x'));
const segments = (dir = tmp.join('q')) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.seg'))
    .sort();

/** Every record, oldest first, acknowledging each. */
function drain(q: DiskQueue): string[] {
  const out: string[] = [];
  for (let r = q.peek(); r !== undefined; r = q.peek()) {
    out.push(r.toString());
    expect(q.shift(r)).toBe(true);
  }
  return out;
}

describe('DiskQueue', () => {
  it('keeps FIFO order across segment boundaries and deletes consumed segments', () => {
    // 20-byte records framed in 32 bytes: three per 104-byte segment after the 8-byte header.
    const q = openQueue({ segmentBytes: 104 });
    for (let i = 0; i < 10; i++) q.push(rec(i));
    expect(q.size).toBe(10);
    expect(q.bytes).toBe(10 * (RECORD_HEADER_BYTES + 20));
    expect(segments()).toEqual(['00000001.seg', '00000002.seg', '00000003.seg', '00000004.seg']);
    expect(statSync(tmp.join('q', '00000001.seg')).size).toBe(104);

    expect(q.peek()?.toString()).toBe(rec(0).toString());
    expect(q.peek()).toBe(q.peek()); // the same Buffer until shifted
    for (let i = 0; i < 3; i++) q.shift();
    expect(segments()).toEqual(['00000002.seg', '00000003.seg', '00000004.seg']);
    expect(drain(q)).toEqual(Array.from({ length: 7 }, (_, i) => rec(i + 3).toString()));
    expect(q.size).toBe(0);
    expect(q.bytes).toBe(0);
    expect(segments()).toEqual([]);
    // Empty: the next push starts a new segment, never reusing a number.
    q.push(rec(10));
    expect(segments()).toEqual(['00000005.seg']);
    expect(drain(q)).toEqual([rec(10).toString()]);
  });

  it('writes a record given in parts as one and keeps a caller weight with it', () => {
    const q = openQueue();
    q.push([Buffer.from('head:'), Buffer.from('body')], 7);
    q.push(Buffer.from('second'), 3);
    expect(q.weight).toBe(10);
    q.close();
    const again = openQueue();
    expect(again.weight).toBe(10);
    expect(drain(again)).toEqual(['head:body', 'second']);
    expect(again.weight).toBe(0);
  });

  it('replays what a closed queue held, without the records already acknowledged', () => {
    const q = openQueue({ segmentBytes: 104 });
    for (let i = 0; i < 8; i++) q.push(rec(i));
    q.shift();
    q.shift();
    q.shift();
    q.shift();
    q.sync();
    q.close();
    expect(() => q.peek()).toThrow(DiskQueueError);

    const again = openQueue({ segmentBytes: 104 });
    expect(again.size).toBe(4);
    again.push(rec(8));
    expect(drain(again)).toEqual([4, 5, 6, 7, 8].map((i) => rec(i).toString()));
  });

  it('replays a queue never closed (the process killed): writes and acknowledgements are on disk', () => {
    const q = openQueue();
    for (let i = 0; i < 5; i++) q.push(rec(i));
    q.shift();
    // A second process would find the files as they are now; simulate by reading a copy.
    const copy = tmp.join('copy');
    mkdirSync(copy);
    for (const f of readdirSync(tmp.join('q'))) writeFileSync(join(copy, f), readFileSync(tmp.join('q', f)));
    const replayed = openQueue({}, copy);
    expect(drain(replayed)).toEqual([1, 2, 3, 4].map((i) => rec(i).toString()));
  });

  it.each([
    {
      name: 'a record cut in the middle',
      tear: (path: string, size: number) => truncateSync(path, size - 7),
    },
    {
      name: 'a record cut in its header, then garbage',
      tear: (path: string, size: number) => {
        truncateSync(path, size - 20 - 6);
        appendFileSync(path, Buffer.from('garbage after the cut'));
      },
    },
    {
      name: 'garbage after the last complete record',
      tear: (path: string) =>
        appendFileSync(path, Buffer.from([0, 0, 0, 4, 0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef, 1, 2])),
    },
  ])(
    'cuts off a torn tail ($name) with a warning naming file and offset, keeping every complete record',
    ({ tear, name }) => {
      const q = openQueue();
      for (let i = 0; i < 4; i++) q.push(rec(i));
      q.close();
      const path = tmp.join('q', '00000001.seg');
      const size = statSync(path).size;
      tear(path, size);
      const warnings: string[] = [];
      const again = openQueue({ onWarn: (m) => warnings.push(m) });
      const complete = name.startsWith('garbage') ? 4 : 3;
      const validEnd = SEGMENT_HEADER.length + complete * (RECORD_HEADER_BYTES + 20);
      expect(warnings).toEqual([
        expect.stringContaining(`${path}: torn or corrupt record at offset ${validEnd}`),
      ]);
      expect(statSync(path).size).toBe(validEnd);
      again.push(rec(9));
      expect(drain(again)).toEqual([
        ...Array.from({ length: complete }, (_, i) => rec(i).toString()),
        rec(9).toString(),
      ]);
    },
  );

  it('keeps the complete records of later segments when an earlier one is corrupt', () => {
    const q = openQueue({ segmentBytes: 104 });
    for (let i = 0; i < 6; i++) q.push(rec(i));
    q.close();
    // Flip a payload byte of the second record of the first segment.
    const path = tmp.join('q', '00000001.seg');
    const data = readFileSync(path);
    data[SEGMENT_HEADER.length + 32 + RECORD_HEADER_BYTES + 3]! ^= 0xff;
    writeFileSync(path, data);
    const warnings: string[] = [];
    const again = openQueue({ segmentBytes: 104, onWarn: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringContaining(`${path}: torn or corrupt record at offset 40`)]);
    expect(drain(again)).toEqual([0, 3, 4, 5].map((i) => rec(i).toString()));
  });

  it('removes a segment file without a header (a crash right after creating it)', () => {
    const q = openQueue();
    q.push(rec(0));
    q.close();
    writeFileSync(tmp.join('q', '00000002.seg'), Buffer.from('AR'));
    const warnings: string[] = [];
    const again = openQueue({ onWarn: (m) => warnings.push(m) });
    expect(warnings).toEqual([
      expect.stringContaining('00000002.seg: no disk queue segment header at offset 0'),
    ]);
    expect(segments()).toEqual(['00000001.seg']);
    again.push(rec(1));
    expect(segments()).toEqual(['00000001.seg', '00000003.seg']);
    expect(drain(again)).toEqual([rec(0).toString(), rec(1).toString()]);
  });

  it('replays every record when the acknowledged position is unreadable (at least once, never lost)', () => {
    const q = openQueue();
    for (let i = 0; i < 3; i++) q.push(rec(i));
    q.shift();
    q.close();
    writeFileSync(tmp.join('q', 'ack'), Buffer.from('broken ack!!'));
    const warnings: string[] = [];
    const again = openQueue({ onWarn: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringContaining('ack: unreadable acknowledged position')]);
    expect(drain(again)).toEqual([0, 1, 2].map((i) => rec(i).toString()));
  });

  it('drops the oldest records when maxBytes would be passed, and says how many and their weight', () => {
    const framed = RECORD_HEADER_BYTES + 20;
    const q = openQueue({ maxBytes: 4 * framed, segmentBytes: 2 * framed + SEGMENT_HEADER.length });
    for (let i = 0; i < 4; i++) expect(q.push(rec(i), i + 1)).toEqual({ records: 0, weight: 0 });
    expect(q.push(rec(4), 5)).toEqual({ records: 1, weight: 1 });
    expect(q.push(rec(5, 20 + framed), 6)).toEqual({ records: 2, weight: 5 });
    expect(q.bytes).toBeLessThanOrEqual(4 * framed);
    // The first segment is gone once its records were dropped.
    expect(segments()).not.toContain('00000001.seg');
    q.close();
    const again = openQueue({ maxBytes: 4 * framed });
    expect(drain(again)).toEqual([rec(3).toString(), rec(4).toString(), rec(5, 20 + framed).toString()]);
  });

  it('refuses a record larger than maxBytes, naming the directory', () => {
    const q = openQueue({ maxBytes: 100 });
    q.push(rec(0));
    expect(() => q.push(Buffer.alloc(100))).toThrow(
      expect.objectContaining({ code: 'RECORD_TOO_LARGE', message: expect.stringContaining(tmp.join('q')) }),
    );
    expect(drain(q)).toEqual([rec(0).toString()]);
  });

  it('does not acknowledge the next record when the peeked one was dropped for room meanwhile', () => {
    const framed = RECORD_HEADER_BYTES + 20;
    const q = openQueue({ maxBytes: 2 * framed });
    q.push(rec(0));
    q.push(rec(1));
    const sending = q.peek()!;
    q.push(rec(2)); // drops rec(0), which is being sent
    expect(q.shift(sending)).toBe(false);
    expect(drain(q)).toEqual([rec(1).toString(), rec(2).toString()]);
  });

  it('hands out several oldest records at once, across segments, bounded by count and bytes', () => {
    const q = openQueue({ segmentBytes: 104 });
    for (let i = 0; i < 7; i++) q.push(rec(i));
    const names = (rs: Buffer[]) => rs.map((r) => r.toString().split('-')[1]);
    expect(names(q.peekMany(5))).toEqual(['0', '1', '2', '3', '4']);
    expect(names(q.peekMany(10, 50))).toEqual(['0', '1']); // 20 + 20, a third would pass 50
    expect(names(q.peekMany(10, 5))).toEqual(['0']); // always the oldest, however large
    const batch = q.peekMany(4);
    expect(q.peek()).toBe(batch[0]);
    for (const r of batch) expect(q.shift(r)).toBe(true);
    expect(names(q.peekMany(10))).toEqual(['4', '5', '6']);
  });

  it('acknowledges only the records of a peeked set still held after the oldest were dropped for room', () => {
    const framed = RECORD_HEADER_BYTES + 20;
    const q = openQueue({ maxBytes: 3 * framed });
    for (let i = 0; i < 3; i++) q.push(rec(i));
    const sending = q.peekMany(3);
    q.push(rec(3)); // drops rec(0)
    expect(sending.map((r) => q.shift(r))).toEqual([false, true, true]);
    expect(drain(q)).toEqual([rec(3).toString()]);
  });

  it('ends a peeked set before a later record whose bytes changed on disk', () => {
    const warnings: string[] = [];
    const q = openQueue({ onWarn: (m) => warnings.push(m) });
    for (let i = 0; i < 3; i++) q.push(rec(i));
    const path = tmp.join('q', '00000001.seg');
    const data = readFileSync(path);
    data[SEGMENT_HEADER.length + 32 + RECORD_HEADER_BYTES]! ^= 1;
    writeFileSync(path, data);
    expect(q.peekMany(3).map(String)).toEqual([rec(0).toString()]);
    expect(warnings).toEqual([]);
    q.shift();
    expect(q.peekMany(3).map(String)).toEqual([rec(2).toString()]);
    expect(warnings).toEqual([`${path}: record at offset 40 changed on disk (CRC mismatch), dropping it`]);
  });

  it('skips, with a warning, a record whose bytes changed on disk after it was written', () => {
    const warnings: string[] = [];
    const q = openQueue({ onWarn: (m) => warnings.push(m) });
    q.push(rec(0));
    q.push(rec(1));
    const path = tmp.join('q', '00000001.seg');
    const data = readFileSync(path);
    data[SEGMENT_HEADER.length + RECORD_HEADER_BYTES]! ^= 1;
    writeFileSync(path, data);
    expect(drain(q)).toEqual([rec(1).toString()]);
    expect(warnings).toEqual([`${path}: record at offset 8 changed on disk (CRC mismatch), dropping it`]);
  });

  it('fails with an error naming the directory when it cannot be created', () => {
    const file = tmp.join('not-a-dir');
    writeFileSync(file, 'x');
    const dir = join(file, 'queue');
    expect(() => DiskQueue.open(dir)).toThrow(
      expect.objectContaining({ code: 'DIR', message: expect.stringContaining(`directory ${dir}:`) }),
    );
  });

  it('fails with an error naming the file when one cannot be read or written', () => {
    mkdirSync(tmp.join('q', 'ack'), { recursive: true });
    expect(() => DiskQueue.open(tmp.join('q'))).toThrow(
      expect.objectContaining({ code: 'IO', message: expect.stringContaining(tmp.join('q', 'ack')) }),
    );
  });

  it('stays usable after a new segment file could not be made, with an error naming it', () => {
    const q = openQueue({ segmentBytes: 60 });
    q.push(rec(0)); // 8 + 32 bytes
    mkdirSync(tmp.join('q', '00000002.seg')); // what the next segment would be called
    expect(() => q.push(rec(1, 40))).toThrow(
      expect.objectContaining({
        code: 'IO',
        message: expect.stringContaining(tmp.join('q', '00000002.seg')),
      }),
    );
    q.push(Buffer.from('tiny')); // would fit in the first segment, whose file is closed: goes to a new one
    expect(segments()).toEqual(['00000001.seg', '00000002.seg', '00000003.seg']);
    expect(drain(q)).toEqual([rec(0).toString(), 'tiny']);
    expect(segments()).toEqual(['00000002.seg']); // only the directory in the way is left
  });

  it('refuses a second open of the same directory in one process, and allows it after close', () => {
    const q = openQueue();
    expect(() => DiskQueue.open(tmp.join('q', '.'))).toThrow(expect.objectContaining({ code: 'IN_USE' }));
    q.close();
    openQueue();
  });

  it.each([
    { name: 'maxBytes 0', options: { maxBytes: 0 } },
    { name: 'fractional segmentBytes', options: { segmentBytes: 1.5 } },
    { name: 'segmentBytes over 1 GiB', options: { segmentBytes: 2 ** 31 } },
  ])('rejects $name', ({ options }) => {
    expect(() => DiskQueue.open(tmp.join('q'), options)).toThrow(
      expect.objectContaining({ code: 'BAD_OPTION' }),
    );
  });

  it('keeps every record a process pushed before it was killed with SIGKILL mid-stream', async () => {
    const dir = tmp.join('q');
    // The writer runs the queue as plain JavaScript (bundled here), in a clean environment.
    const bundle = tmp.join('disk-queue.mjs');
    buildSync({
      entryPoints: [fileURLToPath(new URL('./disk-queue.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: bundle,
      logLevel: 'silent',
    });
    // It pushes records of varying size (acknowledging one in three), printing a line once
    // each `push`/`shift` returned, to a file (synchronous, unlike a pipe to us).
    const script = `
      const { DiskQueue } = await import(${JSON.stringify(bundle)});
      const q = DiskQueue.open(${JSON.stringify(dir)}, { segmentBytes: 64 * 1024 });
      for (let i = 0; ; i++) {
        q.push(Buffer.from(String(i).padEnd(50 + ((i * 7919) % 4000), '.')));
        process.stdout.write('p' + i + '\\n');
        if (i % 3 === 2) { q.shift(); process.stdout.write('s\\n'); }
      }`;
    const log = tmp.join('writer.log');
    const logFd = openSync(log, 'w');
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH },
      stdio: ['ignore', logFd, 'pipe'],
    });
    closeSync(logFd);
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      await waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`writer exited before it was killed: ${err}`);
          return statSync(log).size > 30_000;
        },
        { intervalMs: 5, description: 'the writer to print 30 kB' },
      );
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const out = readFileSync(log, 'utf8');
    const lines = out.split('\n').slice(0, -1);
    const pushed = lines.filter((l) => l.startsWith('p')).length;
    const shifted = lines.filter((l) => l === 's').length;
    const got = drain(openQueue({ segmentBytes: 64 * 1024 })).map((r) => Number(r.replace(/\.+$/, '')));
    // The kill may fall between a push or shift and its line: one more may have happened.
    const first = got[0]!;
    expect([shifted, shifted + 1]).toContain(first);
    expect(got).toEqual(Array.from({ length: got.length }, (_, k) => first + k));
    expect(got.at(-1)! + 1).toBeGreaterThanOrEqual(pushed);
    expect(got.at(-1)! + 1).toBeLessThanOrEqual(pushed + 1);
  });
});
