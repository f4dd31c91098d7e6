import { describe, expect, it } from 'vitest';
import { majorMinor, parseOsRelease } from './os-release.ts';

describe('os-release', () => {
  it.each([
    { line: 'NAME="Debian GNU/Linux"', key: 'NAME', value: 'Debian GNU/Linux' },
    { line: "NAME='single'", key: 'NAME', value: 'single' },
    { line: 'ID=debian', key: 'ID', value: 'debian' },
    { line: 'X="a \\"quoted\\" \\\\ word"', key: 'X', value: 'a "quoted" \\ word' },
    { line: '  # comment', key: '#', value: undefined },
  ])('$line', ({ line, key, value }) => {
    expect(parseOsRelease(line + '\n').get(key)).toBe(value);
  });

  it.each([
    ['12', 12],
    ['22.04', 22.04],
    ['9.2.1', 9.2],
    ['rolling', 0],
    ['', 0],
  ])('VERSION_ID %s → %d', (id, want) => {
    expect(majorMinor(id)).toBe(want);
  });
});
