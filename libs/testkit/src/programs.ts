import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';

const SYSTEM_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'];

/**
 * The absolute path of the first of `names` found as an executable on PATH or in the
 * system bin dirs (`findProgram('alertmanager', 'prometheus-alertmanager')`), or
 * `undefined` when none is installed.
 */
export function findProgram(...names: string[]): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), ...SYSTEM_DIRS];
  for (const name of names) {
    if (name.includes('/')) {
      if (isExecutable(name)) return resolve(name);
      continue;
    }
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** `findProgram` that throws a message naming what to install when nothing is found. */
export function requireProgram(...names: string[]): string {
  const found = findProgram(...names);
  if (found === undefined)
    throw new Error(
      `none of ${names.join(', ')} is installed (looked on PATH and in ${SYSTEM_DIRS.join(', ')})`,
    );
  return found;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The monorepo root: the nearest ancestor of `from` holding `pnpm-workspace.yaml`. */
export function repoRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
    dir = parent;
  }
}

/** `apps/<name>/dist/main.js` of the repo; throws "run pnpm build" when it is not built. */
export function appMain(name: string, root: string = repoRoot()): string {
  const main = join(root, 'apps', name, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} does not exist: run \`pnpm build\` first`);
  return main;
}

/** A path inside the shared upstream test data (`../shared/conformance` beside the repo). */
export function conformancePath(...parts: string[]): string {
  return join(repoRoot(), '..', 'shared', 'conformance', ...parts);
}
