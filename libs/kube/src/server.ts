/**
 * The test Kubernetes API server: an in-memory `KubeApi` behind fastify, serving
 * discovery, the resource verbs and watch streams, plus a kubeconfig file for kubectl
 * and client-node. Started in-process by tests; see README.md for what is supported.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ObjectStore } from './object-store.ts';
import { ResourceRegistry } from './resource-types.ts';
import { KubeApi, type DeleteOptions, type PatchType, type Scope, type WatchEvent } from './kube-api.ts';
import { parseResourcePath } from './api-path.ts';
import { SERVER_VERSION, apiGroupDoc, apiGroupList, apiResourceList, apiVersions } from './discovery-docs.ts';
import { KubeApiError, badRequest } from './status.ts';
import { toTable, wantsTable } from './table.ts';
import { columnsFor, type PrinterColumn } from './printer-columns.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { openApiV3GroupVersion, openApiV3Root } from './openapi.ts';
import { decodeProtobufObject } from './protobuf-body.ts';

export interface TestApiServerOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** Change events kept for watches to resume from (default 10,000); older resourceVersions get 410. */
  historyLimit?: number;
  /** How often watches that allow bookmarks get a BOOKMARK event (default 1,000 ms). */
  bookmarkIntervalMs?: number;
  /** When set, every request must carry `Authorization: Bearer <token>` (401 otherwise). */
  token?: string;
  /** Serve https with this certificate; the kubeconfig then trusts `ca`. */
  tls?: { cert: string; key: string; ca: string };
  /** Namespaces that exist from the start (default: default, kube-system, kube-public, kube-node-lease). */
  namespaces?: string[];
}

export interface TestApiServer {
  /** Base URL, e.g. `http://127.0.0.1:34567`. */
  readonly url: string;
  /** A kubeconfig file for this server (current context, namespace `default`). */
  readonly kubeconfigPath: string;
  readonly store: ObjectStore;
  readonly api: KubeApi;
  readonly registry: ResourceRegistry;
  /** Number of watch streams currently open. */
  openWatches(): number;
  /** Ends every open watch stream (clients then re-watch from their last resourceVersion). */
  closeWatches(): void;
  /**
   * Writes what a pod's service account mount holds (`token`, `ca.crt`, `namespace`
   * under `<dir>/var/run/secrets/kubernetes.io/serviceaccount/`) for an https server
   * started with `token` and `tls`. Returns the prefix for client-node's
   * `loadFromCluster(pathPrefix)` and the KUBERNETES_SERVICE_HOST/PORT variables to set.
   */
  writeServiceAccount(
    dir: string,
    options?: { namespace?: string },
  ): { pathPrefix: string; env: Record<string, string> };
  stop(): Promise<void>;
}

const patchTypes: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/json-patch+json': 'json',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

type Query = Record<string, string | string[] | undefined>;

function q(query: Query, name: string): string | undefined {
  const v = query[name];
  return Array.isArray(v) ? v[0] : v;
}

function truthy(v: string | undefined): boolean {
  return v === 'true' || v === '1';
}

function methodNotAllowed(): KubeApiError {
  return new KubeApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

function sendStatus(reply: FastifyReply, err: KubeApiError): FastifyReply {
  return reply.code(err.code).type('application/json').send(err.toStatus());
}

/** A request body as an object: JSON, or protobuf for the kinds `decodeProtobufObject` knows. */
function parseBody(body: unknown, contentType: string | undefined): unknown {
  if (!Buffer.isBuffer(body) || body.length === 0) return undefined;
  if (contentType?.startsWith('application/vnd.kubernetes.protobuf')) return decodeProtobufObject(body);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`the request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** JSON for every patch type; apply patches may also be YAML (parsed with client-node's loader, loaded on first use). */
async function decodePatch(patchType: PatchType, text: string): Promise<unknown> {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (patchType !== 'apply')
      throw badRequest(`the ${patchType} patch is not valid JSON: ${(err as Error).message}`);
  }
  try {
    const { loadYaml } = await import('@kubernetes/client-node');
    return loadYaml(text);
  } catch (err) {
    throw badRequest(`the apply patch is not valid YAML: ${(err as Error).message}`);
  }
}

export async function startTestApiServer(options: TestApiServerOptions = {}): Promise<TestApiServer> {
  const store = new ObjectStore({ historyLimit: options.historyLimit });
  const registry = new ResourceRegistry();
  const api = new KubeApi(store, registry);
  const nsScope: Scope = { type: registry.find('', 'v1', 'namespaces')!, version: 'v1' };
  for (const name of options.namespaces ?? ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    api.create(nsScope, { metadata: { name } });
  }
  const bookmarkIntervalMs = options.bookmarkIntervalMs ?? 1000;
  const watches = new Set<() => void>();

  const app: FastifyInstance = Fastify({
    logger: false,
    forceCloseConnections: true,
    bodyLimit: 16 * 1024 * 1024,
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
  }) as unknown as FastifyInstance;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', async (req, reply) => {
    if (options.token === undefined) return;
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      return sendStatus(reply, new KubeApiError(401, 'Unauthorized', 'Unauthorized'));
    }
  });
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof KubeApiError) return sendStatus(reply, err);
    return sendStatus(
      reply,
      new KubeApiError(500, 'InternalError', `Internal error occurred: ${(err as Error).message}`),
    );
  });
  app.setNotFoundHandler((req, reply) => sendNotFound(reply, req.url));

  let address = '';
  app.get('/version', async () => SERVER_VERSION);
  for (const p of ['/healthz', '/livez', '/readyz'])
    app.get(p, async (_req, reply) => reply.type('text/plain').send('ok'));
  app.get('/api', async () => apiVersions(address));
  app.get('/apis', async () => apiGroupList(registry));
  app.get(
    '/api/v1',
    async (req, reply) => apiResourceList(registry, '', 'v1') ?? sendNotFound(reply, req.url),
  );
  app.get(
    '/apis/:group',
    async (req, reply) =>
      apiGroupDoc(registry, (req.params as { group: string }).group) ?? sendNotFound(reply, req.url),
  );
  app.get('/apis/:group/:version', async (req, reply) => {
    const { group, version } = req.params as { group: string; version: string };
    return apiResourceList(registry, group, version) ?? sendNotFound(reply, req.url);
  });
  app.get('/openapi/v3', async () => openApiV3Root(registry));
  app.get('/openapi/v3/api/:version', async (req, reply) => {
    const doc = openApiV3GroupVersion(registry, '', (req.params as { version: string }).version);
    return doc ?? sendNotFound(reply, req.url);
  });
  app.get('/openapi/v3/apis/:group/:version', async (req, reply) => {
    const { group, version } = req.params as { group: string; version: string };
    return openApiV3GroupVersion(registry, group, version) ?? sendNotFound(reply, req.url);
  });
  app.all('/api/v1/*', async (req, reply) =>
    handleResource(req, reply, '', 'v1', (req.params as { '*': string })['*']),
  );
  app.all('/apis/:group/:version/*', async (req, reply) => {
    const p = req.params as { group: string; version: string; '*': string };
    return handleResource(req, reply, p.group, p.version, p['*']);
  });

  function sendNotFound(reply: FastifyReply, url: string): FastifyReply {
    return sendStatus(
      reply,
      new KubeApiError(404, 'NotFound', 'the server could not find the requested resource', { kind: url }),
    );
  }

  async function handleResource(
    req: FastifyRequest,
    reply: FastifyReply,
    group: string,
    version: string,
    rest: string,
  ): Promise<unknown> {
    const path = parseResourcePath(registry, group, version, rest.split('?')[0].split('/'));
    const type = path && registry.find(group, version, path.plural);
    if (!path || !type) return sendNotFound(reply, req.url);
    if (path.subresource !== undefined && !(path.subresource === 'status' && type.statusSubresource))
      return sendNotFound(reply, req.url);
    if (type.namespaced === false && path.namespace !== undefined) return sendNotFound(reply, req.url);
    const scope: Scope = { type, version, namespace: path.namespace };
    const query = req.query as Query;
    const dryRun = q(query, 'dryRun') === 'All';
    const subresource = path.subresource === 'status' ? ('status' as const) : undefined;
    const name = path.name;
    const table = wantsTable(req.headers.accept);

    switch (req.method) {
      case 'GET': {
        if (truthy(q(query, 'watch'))) {
          let fieldSelector = q(query, 'fieldSelector');
          if (name !== undefined)
            fieldSelector = [fieldSelector, `metadata.name=${name}`].filter(Boolean).join(',');
          return startWatch(req, reply, scope, { ...watchParams(query), fieldSelector }, table);
        }
        if (name !== undefined) {
          const obj = api.get(scope, name);
          return table
            ? toTable(
                [obj],
                columns(scope),
                { resourceVersion: obj.metadata.resourceVersion ?? '' },
                q(query, 'includeObject'),
              )
            : obj;
        }
        const list = api.list(scope, {
          labelSelector: q(query, 'labelSelector'),
          fieldSelector: q(query, 'fieldSelector'),
          limit: q(query, 'limit') ? Number(q(query, 'limit')) : undefined,
          continue: q(query, 'continue'),
        });
        return table ? toTable(list.items, columns(scope), list.metadata, q(query, 'includeObject')) : list;
      }
      case 'POST': {
        // Namespaced objects are created under /namespaces/<ns>/, as upstream routes them.
        if (name !== undefined || (type.namespaced && path.namespace === undefined))
          return sendStatus(reply, methodNotAllowed());
        const created = api.create(scope, parseBody(req.body, req.headers['content-type']), { dryRun });
        return reply.code(201).send(created);
      }
      case 'PUT': {
        if (name === undefined) return sendStatus(reply, methodNotAllowed());
        return api.update(scope, name, parseBody(req.body, req.headers['content-type']), {
          dryRun,
          subresource,
        });
      }
      case 'PATCH': {
        if (name === undefined) return sendStatus(reply, methodNotAllowed());
        const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim();
        const patchType = patchTypes[contentType];
        if (!patchType) {
          return sendStatus(
            reply,
            new KubeApiError(
              415,
              'UnsupportedMediaType',
              `the body of the request was in an unknown format - accepted media types include: ${Object.keys(patchTypes).join(', ')}`,
            ),
          );
        }
        const existed =
          api.store.get(
            `${type.group}/${type.plural}`,
            type.namespaced ? path.namespace : undefined,
            name,
          ) !== undefined;
        const patch = await decodePatch(
          patchType,
          Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '',
        );
        const obj = api.patch(scope, name, patchType, patch, {
          dryRun,
          subresource,
          fieldManager: q(query, 'fieldManager'),
        });
        return reply.code(existed ? 200 : 201).send(obj);
      }
      case 'DELETE': {
        const body = (parseBody(req.body, req.headers['content-type']) ?? {}) as {
          dryRun?: string[];
          preconditions?: { uid?: string; resourceVersion?: string };
          propagationPolicy?: DeleteOptions['propagationPolicy'];
        };
        const dry = dryRun || (Array.isArray(body.dryRun) && body.dryRun.includes('All'));
        if (name === undefined) {
          return api.deleteCollection(scope, {
            labelSelector: q(query, 'labelSelector'),
            fieldSelector: q(query, 'fieldSelector'),
            dryRun: dry,
          });
        }
        const policy = (q(query, 'propagationPolicy') ??
          body.propagationPolicy) as DeleteOptions['propagationPolicy'];
        const result = api.delete(scope, name, {
          dryRun: dry,
          preconditions: body.preconditions,
          propagationPolicy: policy,
        });
        return reply.code(result.code).send(result.body);
      }
      default:
        return sendStatus(reply, methodNotAllowed());
    }
  }

  function columns(scope: Scope): PrinterColumn[] {
    const type = scope.type;
    const crd = type.crdName
      ? api.store.get('apiextensions.k8s.io/customresourcedefinitions', undefined, type.crdName)
      : undefined;
    return columnsFor(
      type.group === '' ? scope.version : `${type.group}/${scope.version}`,
      type.kind,
      crd,
      scope.version,
    );
  }

  function watchParams(query: Query): {
    labelSelector?: string;
    resourceVersion?: string;
    sendInitialEvents?: boolean;
    bookmarks: boolean;
    timeoutSeconds?: number;
  } {
    const timeout = q(query, 'timeoutSeconds');
    return {
      labelSelector: q(query, 'labelSelector'),
      resourceVersion: q(query, 'resourceVersion'),
      sendInitialEvents: truthy(q(query, 'sendInitialEvents')),
      bookmarks: truthy(q(query, 'allowWatchBookmarks')),
      timeoutSeconds: timeout ? Number(timeout) : undefined,
    };
  }

  function startWatch(
    req: FastifyRequest,
    reply: FastifyReply,
    scope: Scope,
    params: ReturnType<typeof watchParams> & { fieldSelector?: string },
    table: boolean,
  ): void {
    // Selectors are checked before the stream starts so a bad one is a plain 400.
    api.list(scope, { labelSelector: params.labelSelector, fieldSelector: params.fieldSelector, limit: 1 });
    reply.hijack();
    const res: ServerResponse = reply.raw;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    // Clients (client-node's Watch) wait for the response headers before they report the watch as started.
    res.flushHeaders();
    const write = (e: WatchEvent): void => {
      if (res.writableEnded) return;
      const object =
        table && (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED')
          ? toTable(
              [e.object as never],
              columns(scope),
              {
                resourceVersion: String(
                  (e.object.metadata as { resourceVersion?: string }).resourceVersion ?? '',
                ),
              },
              q(req.query as Query, 'includeObject'),
            )
          : e.object;
      res.write(`${JSON.stringify({ type: e.type, object })}\n`);
    };
    const timers: NodeJS.Timeout[] = [];
    let unsubscribe: (() => void) | undefined;
    const close = (): void => {
      for (const t of timers) clearTimeout(t);
      unsubscribe?.();
      watches.delete(close);
      if (!res.writableEnded) res.end();
    };
    watches.add(close);
    res.on('close', close);
    const bookmark = (annotations?: Record<string, string>): void =>
      write({
        type: 'BOOKMARK',
        object: {
          kind: scope.type.kind,
          apiVersion: scope.type.group === '' ? scope.version : `${scope.type.group}/${scope.version}`,
          metadata: {
            resourceVersion: String(store.resourceVersion),
            ...(annotations ? { annotations } : {}),
          },
        },
      });
    try {
      unsubscribe = api.watch(scope, params, write, close);
    } catch (err) {
      if (err instanceof KubeApiError) {
        write({ type: 'ERROR', object: err.toStatus() as unknown as Record<string, unknown> });
        close();
        return;
      }
      throw err;
    }
    if (params.bookmarks) {
      if (params.sendInitialEvents) bookmark({ 'k8s.io/initial-events-end': 'true' });
      timers.push(setInterval(() => bookmark(), bookmarkIntervalMs));
    }
    if (params.timeoutSeconds !== undefined && params.timeoutSeconds > 0)
      timers.push(setTimeout(close, params.timeoutSeconds * 1000));
  }

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const addr = app.server.address();
  if (addr === null || typeof addr === 'string')
    throw new Error('test API server: listen gave no TCP address');
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  address = `${host}:${addr.port}`;
  const url = `${options.tls ? 'https' : 'http'}://${address}`;
  const dir = mkdtempSync(join(tmpdir(), 'argus-kube-'));
  const kubeconfigPath = writeKubeconfig(join(dir, 'kubeconfig'), {
    server: url,
    token: options.token,
    caPem: options.tls?.ca,
  });

  return {
    url,
    kubeconfigPath,
    store,
    api,
    registry,
    openWatches: () => watches.size,
    writeServiceAccount: (saDir, saOptions = {}) => {
      if (!options.tls || options.token === undefined) {
        throw new Error(
          'writeServiceAccount needs a server started with tls and token (in-cluster clients use https and a token)',
        );
      }
      const mount = join(saDir, 'var', 'run', 'secrets', 'kubernetes.io', 'serviceaccount');
      mkdirSync(mount, { recursive: true });
      writeFileSync(join(mount, 'token'), options.token, { mode: 0o600 });
      writeFileSync(join(mount, 'ca.crt'), options.tls.ca);
      writeFileSync(join(mount, 'namespace'), saOptions.namespace ?? 'default');
      const port = url.slice(url.lastIndexOf(':') + 1);
      const hostName = url.slice('https://'.length, url.lastIndexOf(':')).replace(/^\[|\]$/g, '');
      return { pathPrefix: saDir, env: { KUBERNETES_SERVICE_HOST: hostName, KUBERNETES_SERVICE_PORT: port } };
    },
    closeWatches: () => {
      for (const close of [...watches]) close();
    },
    stop: async () => {
      for (const close of [...watches]) close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
