import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SnappyError, snappyDecode, snappyEncode } from './snappy.ts';

describe('snappy block', () => {
  it.each([
    { name: 'empty', input: new Uint8Array(0) },
    { name: 'short', input: new TextEncoder().encode('hello') },
    { name: 'repetitive', input: new TextEncoder().encode('abcdabcdabcdabcd'.repeat(500)) },
    { name: 'long run', input: new Uint8Array(100_000).fill(7) },
  ])('round-trips $name and shrinks what repeats', ({ input }) => {
    const enc = snappyEncode(input);
    expect(Buffer.from(snappyDecode(enc)).equals(Buffer.from(input))).toBe(true);
    if (input.length > 1000) expect(enc.length).toBeLessThan(input.length / 10);
  });

  it('writes into a given output buffer with room for the worst case, and keeps no state between calls', () => {
    const out = new Uint8Array(64 * 1024);
    const inputs = [
      new TextEncoder().encode('abcdabcdabcdabcd'.repeat(300)),
      new TextEncoder().encode('xyzwxyzwxyzwxyzw'.repeat(300)),
      new Uint8Array(5000).map((_, i) => (i * 7919) & 0xff),
    ];
    for (let round = 0; round < 3; round++)
      for (const input of inputs) {
        const enc = snappyEncode(input, out);
        expect(enc.buffer).toBe(out.buffer);
        expect(Buffer.from(snappyDecode(enc)).equals(Buffer.from(input))).toBe(true);
      }
    const small = new Uint8Array(8);
    const enc = snappyEncode(inputs[0]!, small);
    expect(enc.buffer).not.toBe(small.buffer);
    expect(Buffer.from(snappyDecode(enc)).equals(Buffer.from(inputs[0]!))).toBe(true);
  });

  it('decodes a block with every element kind (hand-assembled per the format)', () => {
    // len 12; literal "abcd"; copy1 len 4 off 4; copy2 len 2 off 8; literal "z"; copy4 len 1 off 1 (repeats the z)
    const block = Uint8Array.from([
      12,
      3 << 2,
      97,
      98,
      99,
      100,
      1,
      4,
      ((2 - 1) << 2) | 2,
      8,
      0,
      0,
      122,
      3,
      1,
      0,
      0,
      0,
    ]);
    expect(new TextDecoder().decode(snappyDecode(block))).toBe('abcdabcdabzz');
  });

  it('round-trips arbitrary bytes (property)', () => {
    const chunks = fc.array(
      fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(new Uint8Array(70).fill(1))),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(chunks, (parts) => {
        const input = Buffer.concat(parts.flatMap((p) => [p, p]));
        expect(Buffer.from(snappyDecode(snappyEncode(input))).equals(input)).toBe(true);
      }),
      { numRuns: 300, seed: 5 },
    );
  });

  it.each([
    { name: 'bad preamble', block: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff] },
    { name: 'copy before any output', block: [4, 1, 1] },
    { name: 'literal past the end', block: [5, 4 << 2, 1] },
    { name: 'short output', block: [9, 0, 1] },
  ])('refuses $name', ({ block }) => {
    expect(() => snappyDecode(Uint8Array.from(block))).toThrow(SnappyError);
  });
});
