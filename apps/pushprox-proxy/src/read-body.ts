import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError } from './errors.ts';

/** Reads a whole request body; rejects with `BodyTooLargeError` past `limitBytes` and stops reading. */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        request.off('data', onData);
        request.resume();
        reject(new BodyTooLargeError(limitBytes));
        return;
      }
      parts.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(parts, size)));
    request.once('error', reject);
    request.once('close', () => {
      if (!request.complete) reject(new Error('request closed before its body ended'));
    });
  });
}
