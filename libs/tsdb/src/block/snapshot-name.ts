import { randomBytes } from 'node:crypto';

/**
 * The directory name upstream's `/api/v1/admin/tsdb/snapshot` gives a snapshot under
 * `<data>/snapshots/`: UTC time as Go's `20060102T150405Z0700` layout, a dash, and a
 * random 63-bit number in lower-case hex (e.g. `20240101T120000Z-5f3a9c…`).
 */
export function snapshotName(now: Date = new Date(), random: bigint = randomInt63()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp =
    `${p(now.getUTCFullYear(), 4)}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}` +
    `T${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}Z`;
  return `${stamp}-${random.toString(16)}`;
}

function randomInt63(): bigint {
  return randomBytes(8).readBigUInt64BE() >> 1n;
}
