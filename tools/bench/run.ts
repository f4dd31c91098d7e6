// `pnpm bench [name…]`: runs every tools/bench/<name>.bench.ts (or only those named),
// one after another, each side by side with its upstream counterpart.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';

const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

let failed = 0;
for (const name of benches) {
  console.log(`\n=== ${name} ===`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', resolve(dir, `${name}.bench.ts`)], {
    stdio: 'inherit',
    cwd: resolve(dir, '../..'),
  });
  if (result.status !== 0) failed++;
}
if (benches.length === 0) console.log('no benchmarks matched');
process.exit(failed ? 1 : 0);
