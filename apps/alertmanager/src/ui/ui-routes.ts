import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { AlertmanagerError } from '../errors.ts';

/** The UI's files, served as they are: no build step. */
const ASSETS = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
} as const;
type AssetName = keyof typeof ASSETS;

/**
 * Where the files live: `static/` beside this module when run from source (tests, tsc), and
 * beside the bundle in `dist/`, where the build copies them (package.json `argus.assets`).
 */
const CANDIDATE_DIRS = [new URL('./static/', import.meta.url)];

/**
 * The browser may run nothing but our own module and fetch nothing but our own API:
 * a label value that slipped through escaping still could not run script.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-cache',
};

function loadAssets(): Record<AssetName, string> {
  const dir = CANDIDATE_DIRS.find((d) => existsSync(new URL('index.html', d)));
  if (dir === undefined) {
    throw new AlertmanagerError(
      'ui_assets_missing',
      `web UI files not found (looked in ${CANDIDATE_DIRS.map((d) => fileURLToPath(d)).join(', ')})`,
    );
  }
  const read = (name: AssetName) => readFileSync(new URL(name, dir), 'utf8');
  return { 'index.html': read('index.html'), 'app.js': read('app.js'), 'style.css': read('style.css') };
}

/**
 * Registers the web UI in a scope under the route prefix: the page at `/` (its views are
 * hash routes, `#/alerts`, `#/silences`, … as upstream's) and its script and style under
 * `/ui/`. The page talks to API v2 only, through URLs relative to itself, so it works
 * behind `--web.external-url` proxies as well as under `--web.route-prefix`.
 */
export function registerUi(app: FastifyInstance): void {
  const assets = loadAssets();
  app.get('/', (request, reply) => {
    const [path, query] = splitUrl(request.url);
    // `/am` must become `/am/`, or the page's relative URLs would resolve against `/`.
    // The Location is relative so a proxy's path in front of the prefix is kept.
    if (!path.endsWith('/')) return reply.redirect(`${path.slice(path.lastIndexOf('/') + 1)}/${query}`, 302);
    return reply.headers(SECURITY_HEADERS).type(ASSETS['index.html']).send(assets['index.html']);
  });
  for (const name of ['app.js', 'style.css'] as const) {
    app.get(`/ui/${name}`, (_request, reply) =>
      reply.headers(SECURITY_HEADERS).type(ASSETS[name]).send(assets[name]),
    );
  }
}

/**
 * With a route prefix, upstream answers `/` with a redirect to the prefix; this does the
 * same on the root instance (the prefixed scope never sees `/`).
 */
export function registerRootRedirect(root: FastifyInstance, routePrefix: string | undefined): void {
  const prefix = (routePrefix ?? '').replace(/\/+$/, '');
  if (prefix === '') return;
  const target = `${prefix.startsWith('/') ? '' : '/'}${prefix}/`;
  root.get('/', (_request, reply) => reply.redirect(target, 302));
}

function splitUrl(url: string): [path: string, query: string] {
  const q = url.indexOf('?');
  return q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q)];
}
