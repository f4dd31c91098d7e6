/** A PushProx message that is not HTTP in wire format; `message` is Go's wording where it has one. */
export class WireFormatError extends Error {
  readonly code = 'bad_wire_format';

  constructor(message: string) {
    super(message);
    this.name = 'WireFormatError';
  }
}
