/** Base of the errors storage raises; `code` is stable and meant for programs. */
export class StorageError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A sample older than the newest one of its series (and outside any out-of-order window). Upstream: "out of order sample". */
export class OutOfOrderSampleError extends StorageError {
  constructor(message = 'out of order sample') {
    super('out_of_order_sample', message);
  }
}

/** A second, different value for a timestamp already stored. Upstream: "duplicate sample for timestamp". */
export class DuplicateSampleError extends StorageError {
  constructor(message = 'duplicate sample for timestamp') {
    super('duplicate_sample_for_timestamp', message);
  }
}

/** A sample older than what the head still accepts. Upstream: "out of bounds". */
export class OutOfBoundsError extends StorageError {
  constructor(message = 'out of bounds') {
    super('out_of_bounds', message);
  }
}

/** A sample older than the out-of-order window allows. Upstream: "too old sample". */
export class TooOldSampleError extends StorageError {
  constructor(message = 'too old sample') {
    super('too_old_sample', message);
  }
}
