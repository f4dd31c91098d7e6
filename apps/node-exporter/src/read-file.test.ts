import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PseudoFileReader, fields, lines } from './read-file.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'argus-read-'));
  dirs.push(d);
  return d;
}

describe('PseudoFileReader', () => {
  it('re-reads a kept descriptor from offset 0, seeing content rewritten in place', () => {
    const file = join(tempDir(), 'stat');
    const reader = new PseudoFileReader();
    writeFileSync(file, 'first\n');
    expect(reader.read(file)).toBe('first\n');
    writeFileSync(file, 'second, longer\n');
    expect(reader.read(file)).toBe('second, longer\n');
    writeFileSync(file, 'x\n');
    expect(reader.read(file)).toBe('x\n');
    reader.closeAll();
  });

  it('reads files larger than its buffer', () => {
    const file = join(tempDir(), 'big');
    const text = 'abcdefghij'.repeat(20_000);
    writeFileSync(file, text);
    const reader = new PseudoFileReader();
    expect(reader.read(file)).toBe(text);
    expect(reader.read(file)).toBe(text);
    reader.closeAll();
  });

  it('decodes UTF-8 when asked (mount points may carry it)', () => {
    const file = join(tempDir(), 'mountinfo');
    writeFileSync(file, '/mnt/données\n');
    const reader = new PseudoFileReader();
    expect(reader.read(file, 'utf8')).toBe('/mnt/données\n');
    reader.closeAll();
  });

  it('answers undefined for a missing file and throws other errors', () => {
    const dir = tempDir();
    const reader = new PseudoFileReader();
    expect(reader.readIfExists(join(dir, 'nope'))).toBeUndefined();
    expect(reader.readIfExists(join(dir, 'nope/deeper'))).toBeUndefined();
    expect(() => reader.read(join(dir, 'nope'))).toThrow(/ENOENT/);
    expect(() => reader.read(dir)).toThrow(/EISDIR/);
  });

  it('keeps at most maxOpen descriptors', () => {
    const dir = tempDir();
    const reader = new PseudoFileReader(2);
    for (let i = 0; i < 5; i++) {
      writeFileSync(join(dir, `f${i}`), `${i}`);
      expect(reader.read(join(dir, `f${i}`))).toBe(`${i}`);
    }
    expect(reader.read(join(dir, 'f0'))).toBe('0');
    reader.closeAll();
  });
});

describe('fields and lines', () => {
  it.each([
    ['  a  b\tc ', ['a', 'b', 'c']],
    ['', []],
    ['x', ['x']],
  ])('fields(%j)', (line, want) => expect(fields(line)).toEqual(want));

  it.each([
    ['a\nb\n', ['a', 'b']],
    ['a\nb', ['a', 'b']],
    ['', []],
  ])('lines(%j)', (text, want) => expect(lines(text)).toEqual(want));
});

describe('PseudoFileReader on the real /proc and /sys', () => {
  it('sees fresh kernel data through a kept descriptor', async () => {
    const reader = new PseudoFileReader();
    const ctxt = () => Number(/^ctxt (\d+)$/m.exec(reader.read('/proc/stat'))![1]);
    const first = ctxt();
    await new Promise((r) => setTimeout(r, 50));
    expect(ctxt()).toBeGreaterThan(first);
    reader.closeAll();
  });

  it.each([
    '/proc/meminfo',
    '/proc/net/dev',
    '/proc/sys/fs/file-nr',
    '/proc/self/mountinfo',
    '/sys/devices/system/cpu/online',
  ])('reads %s again with the same shape as a fresh open', (file) => {
    const reader = new PseudoFileReader();
    const shape = (text: string) => text.split('\n').map((l) => l.replace(/\d+/g, 'N'));
    reader.read(file);
    expect(shape(reader.read(file))).toEqual(shape(readFileSync(file, 'latin1')));
    reader.closeAll();
  });
});
