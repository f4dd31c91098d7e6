import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger } from '@argus/service-kit';
import { makeTempDir } from '@argus/testkit';
import type { TempDir } from '@argus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertmanagerService } from '../src/alertmanager-service.ts';
import type { AlertmanagerService } from '../src/alertmanager-service.ts';

const logger = createLogger({ level: 'error', format: 'logfmt', sink: { write: () => undefined } });
// bcrypt of "s3cret" (cost 4), as htpasswd writes it.
const HASH = '$2b$04$z3f78KMXh5H7rG/Z.keO0.LPItBwKP7JAeKYZMXxXt8HTJ0Pc.9ku';

let dir: TempDir;
let svc: AlertmanagerService;
let prefixed: AlertmanagerService;

beforeAll(async () => {
  dir = await makeTempDir('am-ui-routes');
  const configFile = join(dir.path, 'am.yml');
  await writeFile(configFile, 'route: {receiver: r}\nreceivers: [{name: r}]\n');
  const webConfigFile = join(dir.path, 'web.yml');
  await writeFile(webConfigFile, `basic_auth_users:\n  alice: ${HASH}\n`);
  svc = await createAlertmanagerService({ configFile, listenAddress: '127.0.0.1:0', logger });
  prefixed = await createAlertmanagerService({
    configFile,
    listenAddress: '127.0.0.1:0',
    logger,
    routePrefix: '/am',
    webConfigFile,
  });
});

afterAll(async () => {
  await svc?.stop();
  await prefixed?.stop();
  await dir?.remove();
});

const alice = { authorization: `Basic ${Buffer.from('alice:s3cret').toString('base64')}` };

describe('web UI routes', () => {
  it('serves the page at / with a policy that only runs our own script', async () => {
    const res = await svc.app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).toContain('<script type="module" src="ui/app.js"></script>');
    // No external resources: every src/href is relative or a data: URL.
    for (const [, url] of res.body.matchAll(/(?:src|href)="([^"]*)"/g))
      expect(url).not.toMatch(/^(https?:)?\/\//);
  });

  it.each([
    { url: '/ui/app.js', type: 'text/javascript; charset=utf-8', has: 'function render' },
    { url: '/ui/style.css', type: 'text/css; charset=utf-8', has: '.card' },
  ])('serves $url', async ({ url, type, has }) => {
    const res = await svc.app.inject({ url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.body).toContain(has);
  });

  it('never renders data as HTML (no innerHTML or document.write in the script)', async () => {
    const js = (await svc.app.inject({ url: '/ui/app.js' })).body.replace(/^\s*\/\/.*$/gm, '');
    expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it('redirects / to the route prefix and the prefix to its directory, as upstream', async () => {
    const root = await prefixed.app.inject({ url: '/', headers: alice });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/am/');
    const bare = await prefixed.app.inject({ url: '/am', headers: alice });
    expect(bare.statusCode).toBe(302);
    expect(bare.headers.location).toBe('am/');
    const page = await prefixed.app.inject({ url: '/am/', headers: alice });
    expect(page.statusCode).toBe(200);
    expect((await prefixed.app.inject({ url: '/am/ui/app.js', headers: alice })).statusCode).toBe(200);
    expect((await prefixed.app.inject({ url: '/ui/app.js', headers: alice })).statusCode).toBe(404);
  });

  it('asks for the --web.config.file credentials on the page and its assets', async () => {
    for (const url of ['/am/', '/am/ui/app.js', '/am/ui/style.css']) {
      const res = await prefixed.app.inject({ url });
      expect(res.statusCode).toBe(401);
      expect(res.body).not.toContain('<html');
    }
    const wrong = { authorization: `Basic ${Buffer.from('alice:nope').toString('base64')}` };
    expect((await prefixed.app.inject({ url: '/am/', headers: wrong })).statusCode).toBe(401);
  });
});
