import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { BasicAuthenticator, parseBasic } from './basic-auth.ts';

const hash = bcrypt.hashSync('s3cret', 4);
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function counting() {
  let calls = 0;
  const compare = (password: string, h: string) => {
    calls++;
    return bcrypt.compare(password, h);
  };
  return { compare, calls: () => calls };
}

describe('BasicAuthenticator', () => {
  it.each([
    { name: 'right password', header: basic('alice', 's3cret'), want: true },
    { name: 'wrong password', header: basic('alice', 'nope'), want: false },
    { name: 'unknown user with a valid password', header: basic('mallory', 's3cret'), want: false },
    { name: 'no header', header: undefined, want: false },
    { name: 'bearer token', header: 'Bearer abc', want: false },
    { name: 'no colon', header: `Basic ${Buffer.from('alice').toString('base64')}`, want: false },
    { name: 'password with colon', header: basic('bob', 'a:b'), want: true },
  ])('$name → $want', async ({ header, want }) => {
    const users = new Map([
      ['alice', hash],
      ['bob', bcrypt.hashSync('a:b', 4)],
    ]);
    expect(await new BasicAuthenticator(users).check(header)).toBe(want);
  });

  it('accepts the $2y$ prefix of htpasswd hashes', async () => {
    const auth = new BasicAuthenticator(new Map([['alice', `$2y$${hash.slice(4)}`]]));
    expect(await auth.check(basic('alice', 's3cret'))).toBe(true);
  });

  it('lets everything through without users', async () => {
    expect(await new BasicAuthenticator(new Map()).check(undefined)).toBe(true);
  });

  it('computes bcrypt once per credential, also for concurrent requests', async () => {
    const { compare, calls } = counting();
    const auth = new BasicAuthenticator(new Map([['alice', hash]]), compare);
    const results = await Promise.all([1, 2, 3].map(() => auth.check(basic('alice', 's3cret'))));
    expect(results).toEqual([true, true, true]);
    expect(await auth.check(basic('alice', 's3cret'))).toBe(true);
    expect(calls()).toBe(1);
    expect(await auth.check(basic('alice', 'wrong'))).toBe(false);
    expect(await auth.check(basic('alice', 'wrong'))).toBe(false);
    expect(calls()).toBe(2);
  });
});

describe('parseBasic', () => {
  it('splits user and password at the first colon', () => {
    expect(parseBasic(basic('u', 'p:q'))).toEqual({ user: 'u', password: 'p:q' });
    expect(parseBasic('basic ' + Buffer.from('u:').toString('base64'))).toEqual({ user: 'u', password: '' });
  });
});
