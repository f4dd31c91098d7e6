/** Base of the errors the block layer raises; `code` is stable and meant for programs. */
export class BlockError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bytes that do not follow the block format: bad magic, version, size or checksum. */
export class BlockCorruptionError extends BlockError {
  constructor(
    readonly file: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super('block_corruption', `${file}: ${message}`, options);
  }
}

/** A block directory that cannot be opened (missing files, unreadable meta.json). */
export class BlockOpenError extends BlockError {
  constructor(
    readonly dir: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super('block_open', `${dir}: ${message}`, options);
  }
}

/** Input the writer refuses: series out of order, a series too big for the format. */
export class BlockWriteError extends BlockError {
  constructor(message: string, options?: ErrorOptions) {
    super('block_write', message, options);
  }
}
