/**
 * The patch formats of the API server: JSON merge patch (RFC 7386), JSON patch
 * (RFC 6902) and strategic merge patch. Strategic merge knows the merge keys of the
 * common built-in list fields (containers by name, ports by port, ...) and the
 * `$patch`, `$retainKeys`, `$setElementOrder/` and `$deleteFromPrimitiveList/`
 * directives; any other list is replaced, as upstream does for atomic lists.
 */
import { KubeApiError, badRequest } from './status.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** RFC 7386: objects merge recursively, `null` removes a key, anything else replaces. */
export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = jsonMergePatch(out[k], v) as Json;
  }
  return out;
}

interface JsonPatchOp {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`json patch: path "${pointer}" must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function patchFailure(message: string): KubeApiError {
  // Upstream answers a JSON patch that cannot be applied with 422 Invalid.
  return new KubeApiError(422, 'Invalid', message);
}

function resolveParent(
  doc: unknown,
  segs: string[],
  op: JsonPatchOp,
): { parent: JsonObject | Json[]; key: string } {
  let cur: unknown = doc;
  for (const seg of segs.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObject(cur)) cur = cur[seg];
    else cur = undefined;
    if (cur === undefined)
      throw patchFailure(`json patch ${op.op} operation does not apply: doc is missing path: "${op.path}"`);
  }
  if (!Array.isArray(cur) && !isObject(cur))
    throw patchFailure(`json patch ${op.op} operation does not apply: doc is missing path: "${op.path}"`);
  return { parent: cur, key: segs[segs.length - 1] };
}

function getAt(doc: unknown, pointer: string, op: JsonPatchOp): unknown {
  let cur: unknown = doc;
  for (const seg of parsePointer(pointer)) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObject(cur)) cur = cur[seg];
    else cur = undefined;
    if (cur === undefined)
      throw patchFailure(`json patch ${op.op} operation does not apply: doc is missing path: "${pointer}"`);
  }
  return cur;
}

function arrayIndex(arr: Json[], key: string, forAdd: boolean, op: JsonPatchOp): number {
  if (forAdd && key === '-') return arr.length;
  const i = Number(key);
  const max = forAdd ? arr.length : arr.length - 1;
  if (!/^\d+$/.test(key) || i > max)
    throw patchFailure(`json patch ${op.op} operation does not apply: index out of range in "${op.path}"`);
  return i;
}

function addAt(doc: unknown, pointer: string, value: unknown, op: JsonPatchOp): unknown {
  const segs = parsePointer(pointer);
  if (segs.length === 0) return clone(value);
  const { parent, key } = resolveParent(doc, segs, op);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true, op), 0, clone(value) as Json);
  else parent[key] = clone(value) as Json;
  return doc;
}

function removeAt(doc: unknown, pointer: string, op: JsonPatchOp): unknown {
  const segs = parsePointer(pointer);
  const { parent, key } = resolveParent(doc, segs, op);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false, op), 1);
  else {
    if (!Object.hasOwn(parent, key))
      throw patchFailure(`json patch remove operation does not apply: doc is missing key: ${pointer}`);
    delete parent[key];
  }
  return doc;
}

/** RFC 6902 operations applied in order to a copy of `target`; a failing `test` is a 422. */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json patch: the patch must be a JSON array of operations');
  let doc = clone(target);
  for (const raw of ops) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest(`json patch: each operation needs "op" and "path": ${JSON.stringify(raw)}`);
    }
    const op = raw as unknown as JsonPatchOp;
    switch (op.op) {
      case 'add':
        doc = addAt(doc, op.path, op.value, op);
        break;
      case 'remove':
        doc = removeAt(doc, op.path, op);
        break;
      case 'replace':
        getAt(doc, op.path, op);
        doc = removeAt(doc, op.path, op);
        doc = addAt(doc, op.path, op.value, op);
        break;
      case 'move': {
        const v = getAt(doc, op.from ?? '', op);
        doc = removeAt(doc, op.from ?? '', op);
        doc = addAt(doc, op.path, v, op);
        break;
      }
      case 'copy':
        doc = addAt(doc, op.path, getAt(doc, op.from ?? '', op), op);
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, op.path, op)) !== JSON.stringify(op.value)) {
          throw patchFailure(
            `json patch test operation failed: "${op.path}" is not ${JSON.stringify(op.value)}`,
          );
        }
        break;
      default:
        throw badRequest(`json patch: unknown operation "${op.op}"`);
    }
  }
  return doc;
}

/** Merge keys of built-in list fields whose patch strategy is `merge`, by field name. */
const mergeKeyByField: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  ownerReferences: 'uid',
  conditions: 'type',
  addresses: 'type',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
};

/** Lists of scalars merged as sets. */
const primitiveMergeFields = new Set(['finalizers']);

function mergeKeyFor(field: string, items: Json[]): string | undefined {
  if (field === 'ports') {
    // Container ports merge on containerPort, service ports on port.
    const sample = items.find(isObject);
    if (sample && 'containerPort' in sample) return 'containerPort';
    if (sample && 'port' in sample) return 'port';
    return undefined;
  }
  return mergeKeyByField[field];
}

/** Strategic merge patch of `patch` onto `target` (a copy is returned). */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  return smpObject(isObject(target) ? target : {}, patch);
}

function smpObject(target: JsonObject, patch: JsonObject): Json {
  const directive = patch.$patch;
  if (directive === 'replace') {
    const out = clone(patch);
    delete out.$patch;
    return out;
  }
  if (directive === 'delete') return null;
  const out: JsonObject = clone(target);
  const orders: Record<string, Json[]> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) {
      if (Array.isArray(v)) orders[k.slice('$setElementOrder/'.length)] = v;
      continue;
    }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) out[field] = cur.filter((x) => !v.some((d) => d === x));
      continue;
    }
    if (v === null) {
      delete out[k];
    } else if (isObject(v)) {
      const merged = smpObject(isObject(out[k]) ? (out[k] as JsonObject) : {}, v);
      if (merged === null) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(v)) {
      out[k] = smpList(k, Array.isArray(out[k]) ? (out[k] as Json[]) : [], v);
    } else {
      out[k] = v;
    }
  }
  for (const [field, order] of Object.entries(orders)) {
    const cur = out[field];
    if (Array.isArray(cur)) out[field] = applyOrder(field, cur, order);
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys.filter((x): x is string => typeof x === 'string'));
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  return out;
}

function smpList(field: string, target: Json[], patch: Json[]): Json[] {
  const replace = patch.find((p) => isObject(p) && p.$patch === 'replace');
  if (replace) return clone(patch.filter((p) => p !== replace));
  if (primitiveMergeFields.has(field)) {
    const out = [...target];
    for (const p of patch) if (!out.some((x) => x === p)) out.push(p);
    return out;
  }
  const key = mergeKeyFor(field, [...patch, ...target]);
  if (!key) return clone(patch);
  const out: Json[] = clone(target);
  for (const p of patch) {
    if (!isObject(p)) continue;
    const idx = out.findIndex((t) => isObject(t) && t[key] === p[key]);
    if (p.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = smpObject(out[idx] as JsonObject, p);
    else out.push(smpObject({}, p));
  }
  return out;
}

function applyOrder(field: string, list: Json[], order: Json[]): Json[] {
  const key = mergeKeyFor(field, [...order, ...list]);
  const pos = (item: Json): number => {
    const i =
      key && isObject(item)
        ? order.findIndex((o) => isObject(o) && o[key] === item[key])
        : order.indexOf(item);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return [...list].sort((a, b) => pos(a) - pos(b));
}

/**
 * A merge patch that deletes what `previous` set and `next` no longer does (map keys,
 * recursively through maps both still set). Lists and scalars that remain are left to
 * the patch that follows.
 */
export function removedFields(previous: unknown, next: unknown): JsonObject {
  const out: JsonObject = {};
  if (!isObject(previous)) return out;
  const nextObj = isObject(next) ? next : {};
  for (const [k, v] of Object.entries(previous)) {
    if (!(k in nextObj)) out[k] = null;
    else if (isObject(v) && isObject(nextObj[k])) {
      const inner = removedFields(v, nextObj[k]);
      if (Object.keys(inner).length > 0) out[k] = inner;
    }
  }
  return out;
}
