import { makeTempDir } from '@argus/testkit';
import type { TempDir } from '@argus/testkit';
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OverflowBuffers, overflowDirName } from './spilling-senders.ts';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await makeTempDir('overflow');
});
afterEach(async () => {
  await tmp.remove();
});

describe('overflowDirName', () => {
  it.each([
    { name: 'a plain name is kept', entry: { name: 'tsdb-0', url: 'http://a' }, want: 'tsdb-0' },
    {
      name: 'other characters are replaced and a hash added',
      entry: { name: 'team/a b', url: 'http://a' },
      want: /^team_a_b-[0-9a-f]{12}$/,
    },
    {
      name: 'dots alone are not a directory name',
      entry: { name: '..', url: 'http://a' },
      want: /^\.\.-[0-9a-f]{12}$/,
    },
    {
      name: 'without a name, a hash of the URL',
      entry: { name: undefined, url: 'http://a' },
      want: /^url-[0-9a-f]{12}$/,
    },
  ])('$name', ({ entry, want }) => {
    if (typeof want === 'string') expect(overflowDirName(entry)).toBe(want);
    else expect(overflowDirName(entry)).toMatch(want);
  });

  it('gives names that differ only in replaced characters different directories, and URLs too', () => {
    expect(overflowDirName({ name: 'a/b', url: 'u' })).not.toBe(overflowDirName({ name: 'a_b', url: 'u' }));
    expect(overflowDirName({ name: 'a/b', url: 'u' })).not.toBe(overflowDirName({ name: 'a:b', url: 'u' }));
    expect(overflowDirName({ name: undefined, url: 'http://a' })).not.toBe(
      overflowDirName({ name: undefined, url: 'http://b' }),
    );
  });

  it('tells unnamed entries for one URL apart by their headers (tenants), in any order', () => {
    const tenant = (t: string) =>
      overflowDirName({ name: undefined, url: 'http://a', headers: { 'X-Scope-OrgID': t } });
    expect(tenant('a')).not.toBe(tenant('b'));
    expect(overflowDirName({ name: undefined, url: 'http://a', headers: {} })).toBe(
      overflowDirName({ name: undefined, url: 'http://a' }),
    );
    expect(overflowDirName({ name: undefined, url: 'u', headers: { a: '1', b: '2' } })).toBe(
      overflowDirName({ name: undefined, url: 'u', headers: { b: '2', a: '1' } }),
    );
  });
});

describe('OverflowBuffers', () => {
  it('keeps one buffer per entry across reloads and closes those no longer configured', async () => {
    const buffers = new OverflowBuffers(tmp.path);
    const a = buffers.for({ name: 'a', url: 'http://a' });
    expect(a.dir).toBe(tmp.join('remote-write', 'a'));
    expect(existsSync(a.dir)).toBe(true);
    expect(buffers.for({ name: 'a', url: 'http://a' })).toBe(a);
    const b = buffers.for({ name: undefined, url: 'http://b' });
    await buffers.retain([{ name: undefined, url: 'http://b' }]);
    expect(buffers.for({ name: undefined, url: 'http://b' })).toBe(b);
    // a was closed: asking again opens its directory afresh (it would be refused while open).
    const a2 = buffers.for({ name: 'a', url: 'http://a' });
    expect(a2).not.toBe(a);
    await buffers.close();
  });

  it('fails naming the directory when the storage path cannot hold it', async () => {
    const buffers = new OverflowBuffers('/proc/version');
    expect(() => buffers.for({ name: 'a', url: 'http://a' })).toThrow(/\/proc\/version\/remote-write\/a/);
  });
});
