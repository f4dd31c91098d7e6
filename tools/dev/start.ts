// `pnpm start`: runs every built service of the local stack, prefixes each line of
// output with the service name, and stops them all on Ctrl-C or when one fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { stack } from './stack.ts';

const root = resolve(import.meta.dirname, '../..');
const colors = [36, 33, 35, 32, 34, 31, 96, 93, 95, 92];
const nameOf = (s: (typeof stack)[number]): string => s.name ?? s.app;
const width = Math.max(...stack.map((s) => nameOf(s).length));
const children = new Map<string, ChildProcess>();
let stopping = false;

function prefix(name: string, index: number): string {
  return `\x1b[${colors[index % colors.length]}m${name.padEnd(width)} |\x1b[0m `;
}

function pipeLines(stream: NodeJS.ReadableStream, label: string): void {
  createInterface({ input: stream }).on('line', (line) => process.stdout.write(label + line + '\n'));
}

function stopAll(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) child.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 10_000);
  force.unref();
  process.exitCode = code;
}

stack.forEach((service, index) => {
  const name = nameOf(service);
  const main = resolve(root, 'apps', service.app, 'dist/main.js');
  if (!existsSync(main)) {
    console.log(`${prefix(name, index)}not built, skipped`);
    return;
  }
  const dataDir = resolve(root, '.data', name);
  mkdirSync(dataDir, { recursive: true });
  const args = service.args(dataDir);
  const label = prefix(name, index);
  console.log(`${label}node apps/${service.app}/dist/main.js ${args.join(' ')}`);
  // Own process group: a terminal Ctrl-C reaches only the launcher, which stops each service once.
  const child = spawn(process.execPath, [main, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.set(name, child);
  pipeLines(child.stdout!, label);
  pipeLines(child.stderr!, label);
  child.on('exit', (code, signal) => {
    children.delete(name);
    console.log(`${label}exited (${signal ?? code})`);
    if (!stopping && code !== 0) stopAll(1);
    if (children.size === 0 && stopping) process.exit();
  });
});

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
