import { describe, expect, it } from 'vitest';
import { fingerprint } from './fingerprint.ts';

/** The straightforward BigInt FNV-1a 64, as a reference for the split-halves version. */
function reference(labels: Record<string, string>): string {
  let h = 0xcbf29ce484222325n;
  const add = (bytes: Iterable<number>) => {
    for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  };
  for (const name of Object.keys(labels).sort()) {
    add(new TextEncoder().encode(name));
    add([0xff]);
    add(new TextEncoder().encode(labels[name]));
    add([0xff]);
  }
  return h.toString(16).padStart(16, '0');
}

describe('fingerprint', () => {
  it.each([
    {},
    { a: 'b' },
    { alertname: 'Disk', instance: 'host:9100', job: 'node', severity: 'critical' },
    { ünïcode: 'välüe 🙂', x: '' },
    Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`label_${i}`, `value-${i * 7919}`])),
  ])('%j agrees with the BigInt reference', (labels) => {
    expect(fingerprint(labels)).toBe(reference(labels));
  });

  it('is the FNV-1a offset basis for the empty set, as Prometheus', () => {
    expect(fingerprint({})).toBe('cbf29ce484222325');
  });
});
