import { describe, expect, it } from 'vitest';
import { parseSamplesSubject, samplesMsgId, samplesSubject } from './sample-stream.ts';

describe('sample stream contract', () => {
  it('names a shard subject and reads it back', () => {
    expect(samplesSubject(0)).toBe('argus.samples.0');
    expect(samplesSubject(12)).toBe('argus.samples.12');
    expect(parseSamplesSubject('argus.samples.12')).toBe(12);
    expect(parseSamplesSubject('argus.samples.x')).toBeUndefined();
    expect(parseSamplesSubject('argus.samples.01')).toBeUndefined();
    expect(parseSamplesSubject('other.samples.1')).toBeUndefined();
  });

  it('refuses a shard that is not a non-negative integer', () => {
    expect(() => samplesSubject(-1)).toThrow(/non-negative integer, got -1/);
    expect(() => samplesSubject(1.5)).toThrow(/got 1.5/);
  });

  it('gives equal payloads of a shard the same id and different ones different ids', () => {
    const a = samplesMsgId(1, Buffer.from('batch a'));
    expect(samplesMsgId(1, Buffer.from('batch a'))).toBe(a);
    expect(samplesMsgId(1, Buffer.from('batch b'))).not.toBe(a);
    expect(samplesMsgId(2, Buffer.from('batch a'))).not.toBe(a);
    expect(a).toMatch(/^1-[A-Za-z0-9_-]{43}$/);
  });
});
