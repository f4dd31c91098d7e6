import { describe, expect, it } from 'vitest';
import { MalformedRequestError, RequestTooLargeError } from './errors.ts';
import { BlockDecompressor, compressBlock, decompressBlock } from './snappy-block.ts';

/** Deterministic pseudo-random bytes (incompressible literals). */
function noise(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const inputs: [string, Buffer][] = [
  ['empty', Buffer.alloc(0)],
  ['short', Buffer.from('hello')],
  ['a repeating pair (copies overlapping their output)', Buffer.from('ab'.repeat(5000))],
  [
    'repeating periods of 3 to 9 bytes',
    Buffer.from([3, 4, 5, 7, 8, 9].map((p) => 'xyzwvutsr'.slice(0, p).repeat(40)).join('')),
  ],
  ['repeated labels', Buffer.from('\n\x08__name__\x12\x02up\n\x03job\x12\x04node'.repeat(3000))],
  ['noise', noise(70_000, 7)],
  [
    'noise and repeats mixed',
    Buffer.concat([noise(300, 1), Buffer.alloc(5000, 9), noise(40_000, 2), noise(300, 1)]),
  ],
];

describe('BlockDecompressor', () => {
  it('decodes every copy offset from 1 to 9 with every length from 1 to 64, overlapping or not', () => {
    const d = new BlockDecompressor();
    const seed = Buffer.from('abcdefghi');
    for (let offset = 1; offset <= 9; offset++)
      for (let length = 1; length <= 64; length++) {
        // A literal of `offset` bytes, then a two-byte-offset copy of `length` bytes.
        const total = offset + length;
        const block = Buffer.from([
          total,
          (offset - 1) << 2,
          ...seed.subarray(0, offset),
          ((length - 1) << 2) | 2,
          offset,
          0,
        ]);
        const want = Buffer.alloc(total);
        seed.copy(want, 0, 0, offset);
        for (let i = offset; i < total; i++) want[i] = want[i - offset]!;
        expect(d.decompress(block).equals(want), `offset ${offset} length ${length}`).toBe(true);
      }
  });

  it('decodes what compressBlock encodes, as decompressBlock does, reusing its buffer', () => {
    const d = new BlockDecompressor();
    // Twice over, so later bodies land in a buffer holding an earlier, longer one.
    for (const [name, input] of [...inputs, ...inputs.slice().reverse()]) {
      const block = compressBlock(input);
      const got = d.decompress(block);
      expect(got.equals(input), name).toBe(true);
      expect(got.equals(decompressBlock(block)), name).toBe(true);
    }
  });

  it('decodes bodies larger than it keeps, and keeps working afterwards', () => {
    const d = new BlockDecompressor(1024);
    const big = noise(100_000, 3);
    expect(d.decompress(compressBlock(big)).equals(big)).toBe(true);
    expect(d.decompress(compressBlock(Buffer.from('small'))).toString()).toBe('small');
  });

  it('refuses an oversized body before decoding it', () => {
    const d = new BlockDecompressor();
    const block = compressBlock(Buffer.alloc(2000, 1));
    expect(() => d.decompress(block, 1999)).toThrow(RequestTooLargeError);
    expect(d.decompress(block, 2000).length).toBe(2000);
  });

  it.each([
    ['truncated', compressBlock(noise(5000, 4)).subarray(0, 4000)],
    ['a copy before any output', Buffer.from([4, 1, 1])],
    ['a literal past the end', Buffer.from([5, 4 << 2, 1])],
    ['fewer bytes than the preamble says', Buffer.from([9, 0, 1])],
    ['no preamble', Buffer.alloc(0)],
  ])('refuses a corrupt block (%s) as a malformed request', (_name, block) => {
    const d = new BlockDecompressor();
    expect(() => d.decompress(block)).toThrow(MalformedRequestError);
    expect(() => d.decompress(block)).toThrow(/^snappy: /);
  });
});
