export {
  REMOTE_READ_HEADERS,
  REMOTE_WRITE_HEADERS,
  decodeReadRequest,
  decodeReadResponse,
  decodeWriteRequest,
  encodeReadRequest,
  encodeReadResponse,
  encodeWriteRequest,
  labelsToRemoteLabels,
  remoteLabelsToLabels,
  remoteMatchType,
} from './write-request.ts';
export type {
  ReadRequest,
  ReadResponse,
  RemoteExemplar,
  RemoteLabel,
  RemoteLabelMatcher,
  RemoteMatcherType,
  RemoteMetadata,
  RemoteMetricType,
  RemoteQuery,
  RemoteReadHints,
  RemoteSample,
  RemoteTimeSeries,
  WriteRequest,
} from './write-request.ts';
export {
  BlockDecompressor,
  DEFAULT_MAX_DECODED_BYTES,
  compressBlock,
  decompressBlock,
  snappyDecodedLength,
} from './snappy-block.ts';
export { MalformedRequestError, RemoteError, RequestTooLargeError } from './errors.ts';
export {
  SAMPLES_STREAM,
  SAMPLES_STREAM_LIMITS,
  SAMPLES_SUBJECTS,
  SAMPLES_SUBJECT_ROOT,
  parseSamplesSubject,
  samplesMsgId,
  samplesSubject,
} from './sample-stream.ts';
