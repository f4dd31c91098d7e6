import { readFile } from 'node:fs/promises';

const AT_PAGESZ = 6n;
let cached: Promise<number> | undefined;

/**
 * The kernel page size of this process, from the `AT_PAGESZ` entry of `/proc/self/auxv`
 * (Node has no `getpagesize`); 4096 when auxv cannot be read. Read once.
 */
export function pageSize(): Promise<number> {
  cached ??= readFile('/proc/self/auxv').then(
    (buf) => {
      for (let i = 0; i + 16 <= buf.length; i += 16) {
        const type = buf.readBigUInt64LE(i);
        if (type === 0n) break;
        if (type === AT_PAGESZ) return Number(buf.readBigUInt64LE(i + 8));
      }
      return 4096;
    },
    () => 4096,
  );
  return cached;
}
