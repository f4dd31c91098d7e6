/**
 * Runs the test API server on its own, for trying kubectl or a service's Kubernetes
 * SD against it by hand: `node --import tsx libs/kube/src/main.ts --port 6443
 * --kubeconfig /tmp/kubeconfig`. Prints one line with the URL and kubeconfig path;
 * stops on SIGINT or SIGTERM.
 */
import { copyFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startTestApiServer } from './server.ts';

const usage = 'usage: main.ts [--port N] [--host ADDR] [--kubeconfig PATH] [--token TOKEN]';

async function main(): Promise<void> {
  let values: { port?: string; host?: string; kubeconfig?: string; token?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        kubeconfig: { type: 'string' },
        token: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    process.stderr.write(`kube test server: ${(err as Error).message}\n${usage}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`kube test server: --port must be 0-65535, got "${values.port}"\n`);
    process.exit(2);
  }
  const server = await startTestApiServer({ port, host: values.host, token: values.token });
  let kubeconfig = server.kubeconfigPath;
  if (values.kubeconfig) {
    copyFileSync(server.kubeconfigPath, values.kubeconfig);
    kubeconfig = values.kubeconfig;
  }
  process.stdout.write(`kube test API server listening on ${server.url} kubeconfig ${kubeconfig}\n`);
  const stop = (): void => {
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
