import { describe, expect, it } from 'vitest';
import { encodeLabelsForHash, prometheusLabelsHash, xxhash64 } from './xxhash64.ts';

const enc = new TextEncoder();

// Reference values from the C reference implementation (libxxhash 0.8.1, XXH64 seed 0).
describe('xxhash64', () => {
  it.each([
    ['', 0xef46db3751d8e999n],
    ['a', 0xd24ec4f1a98c6e5bn],
    ['abc', 0x44bc2cf5ad770999n],
    ['0123456789abcdef', 0x5c5b90c34e376d0bn],
    ['0123456789abcdef0123456789abcdef', 0x642a94958e71e6c5n],
    ['The quick brown fox jumps over the lazy dog', 0x0b242d361fda71bcn],
  ])('hashes %j', (text, want) => {
    expect(xxhash64(enc.encode(text))).toBe(want);
  });

  it('hashes 100 bytes 0..99 (stripes, 8-, 4- and 1-byte tails)', () => {
    expect(xxhash64(Uint8Array.from({ length: 100 }, (_, i) => i))).toBe(0x6ac1e58032166597n);
  });

  it('hashes a view into a larger buffer by its own bytes', () => {
    const big = enc.encode('xxabcxx');
    expect(xxhash64(big.subarray(2, 5))).toBe(0x44bc2cf5ad770999n);
  });
});

describe('prometheusLabelsHash', () => {
  it('encodes lengths as one byte, or 255 and three bytes little-endian from 255 on', () => {
    expect(Array.from(encodeLabelsForHash(['a', 'bc']))).toEqual([1, 97, 2, 98, 99]);
    const long = encodeLabelsForHash(['a', 'x'.repeat(300)]);
    expect(Array.from(long.subarray(2, 6))).toEqual([255, 300 & 0xff, 300 >> 8, 0]);
  });

  it.each([
    [
      ['__name__', 'http_requests', 'group', 'canary', 'instance', '0', 'job', 'api-server'],
      0xfa6e5aa974a03e59n,
    ],
    [['a', 'x'.repeat(300)], 0x7334729f4d20ea0bn],
  ])('matches the reference for %j', (flat, want) => {
    expect(prometheusLabelsHash(flat)).toBe(want);
  });
});
