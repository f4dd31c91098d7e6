import { describe, expect, it } from 'vitest';
import { Labels } from '@argus/model';
import { MalformedRequestError, RequestTooLargeError } from './errors.ts';
import { compressBlock } from './snappy-block.ts';
import {
  decodeReadRequest,
  decodeReadResponse,
  decodeWriteRequest,
  encodeReadRequest,
  encodeReadResponse,
  encodeWriteRequest,
  labelsToRemoteLabels,
  remoteLabelsToLabels,
} from './write-request.ts';

describe('remote write codec', () => {
  it('round-trips series, samples, exemplars and metadata', () => {
    const request = {
      timeseries: [
        {
          labels: [
            { name: '__name__', value: 'http_requests_total' },
            { name: 'job', value: 'api' },
          ],
          samples: [
            { value: 1.5, timestamp: 1_700_000_000_000 },
            { value: -Infinity, timestamp: 1_700_000_015_000 },
          ],
          exemplars: [
            { labels: [{ name: 'trace_id', value: 'abc' }], value: 1, timestamp: 1_700_000_000_001 },
          ],
        },
      ],
      metadata: [
        { type: 'COUNTER' as const, metricFamilyName: 'http_requests_total', help: 'Requests.', unit: '' },
      ],
    };
    expect(decodeWriteRequest(encodeWriteRequest(request))).toEqual(request);
  });

  it('keeps NaN payloads such as StaleNaN intact', () => {
    const bits = new DataView(new ArrayBuffer(8));
    bits.setBigUint64(0, 0x7ff0000000000002n);
    const stale = bits.getFloat64(0);
    const decoded = decodeWriteRequest(
      encodeWriteRequest({
        timeseries: [
          { labels: [{ name: '__name__', value: 'x' }], samples: [{ value: stale, timestamp: 1 }] },
        ],
      }),
    );
    bits.setFloat64(0, decoded.timeseries[0]!.samples[0]!.value);
    expect(bits.getBigUint64(0)).toBe(0x7ff0000000000002n);
  });

  it.each([
    {
      name: 'not snappy',
      body: Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      error: MalformedRequestError,
    },
    {
      name: 'snappy of garbage protobuf',
      body: compressBlock(Buffer.from([0x0a, 0xff, 0x01])),
      error: MalformedRequestError,
    },
  ])('rejects $name with a typed error', ({ body, error }) => {
    expect(() => decodeWriteRequest(body)).toThrow(error);
  });

  it('refuses a body whose announced size is over the limit before inflating it', () => {
    const body = compressBlock(Buffer.alloc(4096));
    expect(() => decodeWriteRequest(body, 1024)).toThrow(RequestTooLargeError);
  });

  it('converts labels both ways, sorted', () => {
    const labels = remoteLabelsToLabels([
      { name: 'job', value: 'x' },
      { name: '__name__', value: 'up' },
    ]);
    expect(labels.equals(Labels.of('__name__', 'up', 'job', 'x'))).toBe(true);
    expect(labelsToRemoteLabels(labels).map((l) => l.name)).toEqual(['__name__', 'job']);
  });
});

describe('remote read codec', () => {
  it('round-trips a request with matchers and hints, and a samples response', () => {
    const request = {
      queries: [
        {
          startTimestampMs: 1000,
          endTimestampMs: 2000,
          matchers: [
            { type: 'EQ' as const, name: '__name__', value: 'up' },
            { type: 'NRE' as const, name: 'job', value: 'a|b' },
          ],
          hints: {
            stepMs: 0,
            func: 'rate',
            startMs: 1000,
            endMs: 2000,
            grouping: ['job'],
            by: true,
            rangeMs: 300000,
          },
        },
      ],
      acceptedResponseTypes: ['SAMPLES' as const],
    };
    expect(decodeReadRequest(encodeReadRequest(request))).toEqual(request);
    const response = {
      results: [
        {
          timeseries: [
            {
              labels: [{ name: '__name__', value: 'up' }],
              samples: [{ value: 1, timestamp: 1500 }],
              exemplars: [],
            },
          ],
        },
      ],
    };
    expect(decodeReadResponse(encodeReadResponse(response))).toEqual(response);
  });
});
