import { Labels, type MatchType } from '@argus/model';
import { MalformedRequestError } from './errors.ts';
import { ReadRequestType, ReadResponseType, WriteRequestType } from './remote-proto.ts';
import { compressBlock, decompressBlock, DEFAULT_MAX_DECODED_BYTES } from './snappy-block.ts';

/** Headers a remote-write 1.0 sender sets, and a receiver may check. */
export const REMOTE_WRITE_HEADERS = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-write-version': '0.1.0',
} as const;

/** Headers of a remote-read request and of a SAMPLES response. */
export const REMOTE_READ_HEADERS = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-read-version': '0.1.0',
} as const;

export interface RemoteLabel {
  name: string;
  value: string;
}

export interface RemoteSample {
  value: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

export interface RemoteExemplar {
  labels: RemoteLabel[];
  value: number;
  timestamp: number;
}

export interface RemoteTimeSeries {
  labels: RemoteLabel[];
  samples: RemoteSample[];
  exemplars?: RemoteExemplar[];
}

export type RemoteMetricType =
  'UNKNOWN' | 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'GAUGEHISTOGRAM' | 'SUMMARY' | 'INFO' | 'STATESET';

export interface RemoteMetadata {
  type: RemoteMetricType;
  metricFamilyName: string;
  help: string;
  unit: string;
}

/** A decoded remote-write 1.0 request. Absent repeated fields decode as empty arrays. */
export interface WriteRequest {
  timeseries: RemoteTimeSeries[];
  metadata: RemoteMetadata[];
}

const decodeOptions = { arrays: true, defaults: true, enums: String, longs: Number } as const;

function decodeMessage<T>(type: typeof WriteRequestType, bytes: Uint8Array, what: string): T {
  try {
    return type.toObject(type.decode(bytes), decodeOptions) as T;
  } catch (cause) {
    throw new MalformedRequestError(`${what}: ${(cause as Error).message}`, { cause });
  }
}

/** Decodes a snappy-compressed remote-write body; throws MalformedRequestError or RequestTooLargeError. */
export function decodeWriteRequest(
  body: Uint8Array,
  maxDecodedBytes = DEFAULT_MAX_DECODED_BYTES,
): WriteRequest {
  return decodeMessage<WriteRequest>(
    WriteRequestType,
    decompressBlock(body, maxDecodedBytes),
    'write request',
  );
}

/** Encodes and snappy-compresses a remote-write body. */
export function encodeWriteRequest(request: Partial<WriteRequest>): Buffer {
  const message = WriteRequestType.fromObject({
    timeseries: request.timeseries ?? [],
    metadata: request.metadata ?? [],
  });
  return compressBlock(WriteRequestType.encode(message).finish());
}

/** Label pairs of a remote series as a sorted {@link Labels}. */
export function remoteLabelsToLabels(labels: readonly RemoteLabel[]): Labels {
  return Labels.fromPairs(labels.map((l) => [l.name, l.value] as const));
}

/** A {@link Labels} as remote label pairs (sorted by name, as receivers expect). */
export function labelsToRemoteLabels(labels: Labels): RemoteLabel[] {
  const out: RemoteLabel[] = [];
  labels.forEach((name, value) => out.push({ name, value }));
  return out;
}

export type RemoteMatcherType = 'EQ' | 'NEQ' | 'RE' | 'NRE';

export interface RemoteLabelMatcher {
  type: RemoteMatcherType;
  name: string;
  value: string;
}

export interface RemoteReadHints {
  stepMs: number;
  func: string;
  startMs: number;
  endMs: number;
  grouping: string[];
  by: boolean;
  rangeMs: number;
}

export interface RemoteQuery {
  startTimestampMs: number;
  endTimestampMs: number;
  matchers: RemoteLabelMatcher[];
  hints?: RemoteReadHints;
}

export interface ReadRequest {
  queries: RemoteQuery[];
  acceptedResponseTypes: Array<'SAMPLES' | 'STREAMED_XOR_CHUNKS'>;
}

export interface ReadResponse {
  results: Array<{ timeseries: RemoteTimeSeries[] }>;
}

const matchTypes: Record<RemoteMatcherType, MatchType> = { EQ: '=', NEQ: '!=', RE: '=~', NRE: '!~' };

/** The PromQL operator of a remote-read matcher type. */
export function remoteMatchType(type: RemoteMatcherType): MatchType {
  return matchTypes[type];
}

export function decodeReadRequest(
  body: Uint8Array,
  maxDecodedBytes = DEFAULT_MAX_DECODED_BYTES,
): ReadRequest {
  return decodeMessage<ReadRequest>(ReadRequestType, decompressBlock(body, maxDecodedBytes), 'read request');
}

export function encodeReadRequest(request: ReadRequest): Buffer {
  return compressBlock(ReadRequestType.encode(ReadRequestType.fromObject(request)).finish());
}

export function decodeReadResponse(
  body: Uint8Array,
  maxDecodedBytes = DEFAULT_MAX_DECODED_BYTES,
): ReadResponse {
  return decodeMessage<ReadResponse>(
    ReadResponseType,
    decompressBlock(body, maxDecodedBytes),
    'read response',
  );
}

/** Encodes a SAMPLES-type remote-read response. */
export function encodeReadResponse(response: ReadResponse): Buffer {
  return compressBlock(ReadResponseType.encode(ReadResponseType.fromObject(response)).finish());
}
