import { StorageError } from '@argus/storage';

/** Base of the errors the tsdb raises beyond the storage contract's; `code` is stable. */
export class TsdbError extends StorageError {}

/** A sample the head refuses outright (empty label set). Upstream: "invalid sample". */
export class InvalidSampleError extends TsdbError {
  constructor(message = 'invalid sample') {
    super('invalid_sample', message);
  }
}

/** An appender used after commit or rollback, or a closed tsdb used. */
export class ClosedError extends TsdbError {
  constructor(what: string) {
    super('closed', `${what} is closed`);
  }
}

/** A WAL segment or checkpoint that cannot be read where it is not the torn tail. */
export class WalCorruptionError extends TsdbError {
  constructor(
    readonly segment: number,
    readonly offset: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super('wal_corruption', `WAL segment ${segment} at offset ${offset}: ${message}`, options);
  }
}
