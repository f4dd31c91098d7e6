import { describe, expect, it } from 'vitest';
import { jsonMergePatch, jsonPatch, strategicMergePatch } from './patch.ts';
import { KubeApiError } from './status.ts';

describe('jsonMergePatch (RFC 7386)', () => {
  it.each([
    {
      name: 'adds and replaces keys',
      target: { a: 1, b: { c: 2 } },
      patch: { a: 3, d: 4 },
      want: { a: 3, b: { c: 2 }, d: 4 },
    },
    { name: 'null removes a key', target: { a: 1, b: 2 }, patch: { b: null }, want: { a: 1 } },
    {
      name: 'objects merge recursively',
      target: { m: { x: 1, y: 2 } },
      patch: { m: { y: null, z: 3 } },
      want: { m: { x: 1, z: 3 } },
    },
    { name: 'lists are replaced', target: { l: [1, 2, 3] }, patch: { l: [4] }, want: { l: [4] } },
    { name: 'a non-object patch replaces the target', target: { a: 1 }, patch: [1], want: [1] },
  ])('$name', ({ target, patch, want }) => {
    expect(jsonMergePatch(target, patch)).toEqual(want);
  });
});

describe('jsonPatch (RFC 6902)', () => {
  const doc = { metadata: { labels: { a: '1' } }, list: ['x', 'y'] };
  it.each([
    {
      name: 'add to a map',
      ops: [{ op: 'add', path: '/metadata/labels/b', value: '2' }],
      want: { metadata: { labels: { a: '1', b: '2' } }, list: ['x', 'y'] },
    },
    {
      name: 'add appends with -',
      ops: [{ op: 'add', path: '/list/-', value: 'z' }],
      want: { ...doc, list: ['x', 'y', 'z'] },
    },
    {
      name: 'add inserts at an index',
      ops: [{ op: 'add', path: '/list/0', value: 'w' }],
      want: { ...doc, list: ['w', 'x', 'y'] },
    },
    { name: 'remove', ops: [{ op: 'remove', path: '/list/0' }], want: { ...doc, list: ['y'] } },
    {
      name: 'replace',
      ops: [{ op: 'replace', path: '/metadata/labels/a', value: '9' }],
      want: { ...doc, metadata: { labels: { a: '9' } } },
    },
    {
      name: 'move',
      ops: [{ op: 'move', from: '/metadata/labels/a', path: '/metadata/labels/b' }],
      want: { ...doc, metadata: { labels: { b: '1' } } },
    },
    {
      name: 'copy',
      ops: [{ op: 'copy', from: '/list/1', path: '/list/0' }],
      want: { ...doc, list: ['y', 'x', 'y'] },
    },
    { name: 'passing test', ops: [{ op: 'test', path: '/list/1', value: 'y' }], want: doc },
    {
      name: '~1 escapes a slash',
      ops: [{ op: 'add', path: '/metadata/labels/app.kubernetes.io~1name', value: 'n' }],
      want: { ...doc, metadata: { labels: { a: '1', 'app.kubernetes.io/name': 'n' } } },
    },
  ])('$name', ({ ops, want }) => {
    expect(jsonPatch(doc, ops)).toEqual(want);
  });

  it.each([
    { name: 'failing test', ops: [{ op: 'test', path: '/list/0', value: 'nope' }], code: 422 },
    { name: 'missing path', ops: [{ op: 'replace', path: '/spec/x', value: 1 }], code: 422 },
    { name: 'remove of a missing key', ops: [{ op: 'remove', path: '/metadata/labels/zz' }], code: 422 },
    { name: 'index out of range', ops: [{ op: 'add', path: '/list/5', value: 1 }], code: 422 },
    { name: 'unknown op', ops: [{ op: 'frob', path: '/list' }], code: 400 },
    { name: 'not a list', ops: { op: 'add' }, code: 400 },
  ])('$name is a $code', ({ ops, code }) => {
    let caught: unknown;
    try {
      jsonPatch(doc, ops);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(KubeApiError);
    expect((caught as KubeApiError).code).toBe(code);
  });

  it('does not modify its input', () => {
    const input = structuredClone(doc);
    jsonPatch(input, [{ op: 'remove', path: '/list/0' }]);
    expect(input).toEqual(doc);
  });
});

describe('strategicMergePatch', () => {
  const pod = {
    metadata: { labels: { app: 'web' }, finalizers: ['a'] },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'nginx:1',
          ports: [{ containerPort: 80, name: 'http' }],
          env: [{ name: 'A', value: '1' }],
        },
        { name: 'side', image: 'busybox' },
      ],
      tolerations: [{ key: 't1' }],
    },
  };
  it.each([
    {
      name: 'containers merge by name, others kept',
      patch: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } },
      want: {
        ...pod,
        spec: {
          ...pod.spec,
          containers: [{ ...pod.spec.containers[0], image: 'nginx:2' }, pod.spec.containers[1]],
        },
      },
    },
    {
      name: '$patch: delete removes a list element by merge key',
      patch: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } },
      want: { ...pod, spec: { ...pod.spec, containers: [pod.spec.containers[0]] } },
    },
    {
      name: 'a new element is appended',
      patch: { spec: { containers: [{ name: 'new', image: 'x' }] } },
      want: {
        ...pod,
        spec: { ...pod.spec, containers: [...pod.spec.containers, { name: 'new', image: 'x' }] },
      },
    },
    {
      name: '$setElementOrder reorders',
      patch: { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'web' }] } },
      want: { ...pod, spec: { ...pod.spec, containers: [pod.spec.containers[1], pod.spec.containers[0]] } },
    },
    {
      name: 'lists without a merge key are replaced',
      patch: { spec: { tolerations: [{ key: 't2' }] } },
      want: { ...pod, spec: { ...pod.spec, tolerations: [{ key: 't2' }] } },
    },
    {
      name: 'finalizers merge as a set, $deleteFromPrimitiveList removes',
      patch: { metadata: { finalizers: ['b', 'a'], '$deleteFromPrimitiveList/finalizers': ['a'] } },
      want: { ...pod, metadata: { ...pod.metadata, finalizers: ['b'] } },
    },
    {
      name: 'nested env merges by name and null deletes map keys',
      patch: {
        metadata: { labels: { app: null, v: '2' } },
        spec: { containers: [{ name: 'web', env: [{ name: 'B', value: '2' }] }] },
      },
      want: {
        metadata: { labels: { v: '2' }, finalizers: ['a'] },
        spec: {
          ...pod.spec,
          containers: [
            {
              ...pod.spec.containers[0],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
            },
            pod.spec.containers[1],
          ],
        },
      },
    },
    {
      name: '$patch: replace on a map replaces it',
      patch: { metadata: { labels: { x: 'y', $patch: 'replace' } } },
      want: { ...pod, metadata: { ...pod.metadata, labels: { x: 'y' } } },
    },
    {
      name: '$retainKeys keeps only the named keys',
      patch: { spec: { $retainKeys: ['containers'] } },
      want: { ...pod, spec: { containers: pod.spec.containers } },
    },
  ])('$name', ({ patch, want }) => {
    expect(strategicMergePatch(pod, patch)).toEqual(want);
  });

  it('service ports merge on port', () => {
    const svc = {
      spec: {
        ports: [
          { port: 80, name: 'http' },
          { port: 443, name: 'https' },
        ],
      },
    };
    expect(strategicMergePatch(svc, { spec: { ports: [{ port: 443, targetPort: 8443 }] } })).toEqual({
      spec: {
        ports: [
          { port: 80, name: 'http' },
          { port: 443, name: 'https', targetPort: 8443 },
        ],
      },
    });
  });
});
