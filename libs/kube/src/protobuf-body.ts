/**
 * Decodes the few protobuf request bodies kubectl sends: its `create namespace`,
 * `create configmap`, `create secret generic` and `create serviceaccount` generators
 * use typed clients that write `application/vnd.kubernetes.protobuf`. A body is the
 * magic `k8s\0` followed by a runtime.Unknown (typeMeta, raw) whose `raw` is the typed
 * message. Field numbers come from k8s.io/api and apimachinery `generated.proto`.
 * Any other kind, or a field not listed here, is a 415 naming it.
 */
import { KubeApiError } from './status.ts';

type FieldKind =
  'string' | 'int' | 'bool' | 'base64' | 'strings' | 'map' | 'base64map' | 'message' | 'messages';
type Schema = Record<number, [name: string, kind: FieldKind, sub?: Schema]>;

const objectReference: Schema = {
  1: ['kind', 'string'],
  2: ['namespace', 'string'],
  3: ['name', 'string'],
  4: ['uid', 'string'],
  5: ['apiVersion', 'string'],
  6: ['resourceVersion', 'string'],
  7: ['fieldPath', 'string'],
};

const ownerReference: Schema = {
  1: ['kind', 'string'],
  3: ['name', 'string'],
  4: ['uid', 'string'],
  5: ['apiVersion', 'string'],
  6: ['controller', 'bool'],
  7: ['blockOwnerDeletion', 'bool'],
};

const objectMeta: Schema = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  5: ['uid', 'string'],
  6: ['resourceVersion', 'string'],
  7: ['generation', 'int'],
  11: ['labels', 'map'],
  12: ['annotations', 'map'],
  13: ['ownerReferences', 'messages', ownerReference],
  14: ['finalizers', 'strings'],
};

const schemas: Record<string, Schema> = {
  'v1/Namespace': {
    1: ['metadata', 'message', objectMeta],
    2: ['spec', 'message', { 1: ['finalizers', 'strings'] }],
    3: ['status', 'message', { 1: ['phase', 'string'] }],
  },
  'v1/ConfigMap': {
    1: ['metadata', 'message', objectMeta],
    2: ['data', 'map'],
    3: ['binaryData', 'base64map'],
    4: ['immutable', 'bool'],
  },
  'v1/Secret': {
    1: ['metadata', 'message', objectMeta],
    2: ['data', 'base64map'],
    3: ['type', 'string'],
    4: ['stringData', 'map'],
    5: ['immutable', 'bool'],
  },
  'v1/ServiceAccount': {
    1: ['metadata', 'message', objectMeta],
    2: ['secrets', 'messages', objectReference],
    3: ['imagePullSecrets', 'messages', { 1: ['name', 'string'] }],
    4: ['automountServiceAccountToken', 'bool'],
  },
};

function unsupported(message: string): KubeApiError {
  return new KubeApiError(
    415,
    'UnsupportedMediaType',
    `protobuf body: ${message}; send JSON (kubectl create -f / apply -f) instead`,
  );
}

interface RawField {
  num: number;
  wire: number;
  int?: number;
  bytes?: Buffer;
}

/** Splits a message into its fields (varint and length-delimited wire types only). */
function readFields(buf: Buffer): RawField[] {
  const out: RawField[] = [];
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (;;) {
      if (pos >= buf.length) throw unsupported('truncated varint');
      const b = buf[pos++];
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const num = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) out.push({ num, wire, int: varint() });
    else if (wire === 2) {
      const len = varint();
      if (pos + len > buf.length) throw unsupported('truncated field');
      out.push({ num, wire, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else throw unsupported(`wire type ${wire} of field ${num} is not decoded`);
  }
  return out;
}

function decodeMessage(buf: Buffer, schema: Schema, where: string): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const f of readFields(buf)) {
    const spec = schema[f.num];
    // Go always writes non-pointer fields, so empty ones (selfLink, creationTimestamp, ...) are skipped like JSON's omitempty.
    const empty = f.wire === 0 ? f.int === 0 : (f.bytes?.length ?? 0) === 0;
    if (!spec) {
      if (empty) continue;
      throw unsupported(`field ${f.num} of ${where} is not decoded`);
    }
    const [name, kind, sub] = spec;
    const text = (): string => (f.bytes ?? Buffer.alloc(0)).toString('utf8');
    switch (kind) {
      case 'string':
        if (!empty) obj[name] = text();
        break;
      case 'int':
        if (!empty) obj[name] = f.int;
        break;
      case 'bool':
        obj[name] = (f.int ?? 0) !== 0;
        break;
      case 'base64':
        obj[name] = (f.bytes ?? Buffer.alloc(0)).toString('base64');
        break;
      case 'strings':
        ((obj[name] ??= []) as string[]).push(text());
        break;
      case 'map':
      case 'base64map': {
        const entry = decodeMessage(
          f.bytes ?? Buffer.alloc(0),
          { 1: ['key', 'string'], 2: ['value', kind === 'map' ? 'string' : 'base64'] },
          `${where}.${name}`,
        );
        ((obj[name] ??= {}) as Record<string, unknown>)[String(entry.key ?? '')] = entry.value ?? '';
        break;
      }
      case 'message':
        obj[name] = decodeMessage(f.bytes ?? Buffer.alloc(0), sub ?? {}, `${where}.${name}`);
        break;
      case 'messages':
        ((obj[name] ??= []) as unknown[]).push(
          decodeMessage(f.bytes ?? Buffer.alloc(0), sub ?? {}, `${where}.${name}`),
        );
        break;
    }
  }
  return obj;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** The JSON form of a protobuf-encoded object of one of the supported kinds. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw unsupported('missing the k8s\\0 prefix');
  const unknown = decodeMessage(
    body.subarray(4),
    {
      1: ['typeMeta', 'message', { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] }],
      2: ['raw', 'base64'],
      3: ['contentEncoding', 'string'],
      4: ['contentType', 'string'],
    },
    'runtime.Unknown',
  );
  const typeMeta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const key = `${typeMeta.apiVersion ?? ''}/${typeMeta.kind ?? ''}`;
  const schema = schemas[key];
  if (!schema) throw unsupported(`${key} is not one of ${Object.keys(schemas).join(', ')}`);
  const raw = Buffer.from(String(unknown.raw ?? ''), 'base64');
  return {
    apiVersion: typeMeta.apiVersion,
    kind: typeMeta.kind,
    ...decodeMessage(raw, schema, typeMeta.kind ?? ''),
  };
}
