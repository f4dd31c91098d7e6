export { BusConnectError, connectBus, parseServers } from './bus-connection.ts';
export type { Bus, BusEvent, BusOptions } from './bus-connection.ts';
export { kvKey, openKvBucket } from './kv-bucket.ts';
export type { KvBucket, KvBucketOptions, KvRecord, KvWatch, KvWatchOptions } from './kv-bucket.ts';
export { UnprocessableMessageError, consumeStream, ensureStream, publishToStream } from './stream.ts';
export type { ConsumeOptions, PublishAck, StreamConsumer, StreamMessage, StreamOptions } from './stream.ts';
