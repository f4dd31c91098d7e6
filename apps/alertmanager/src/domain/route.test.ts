import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/config.ts';

// The tree of upstream's TestRouteMatch (NOTES §10).
const tree = `
route:
  receiver: notify-def
  routes:
    - match: {owner: team-A}
      receiver: notify-A
      routes:
        - match: {env: testing}
          receiver: notify-testing
          group_by: ['...']
        - match: {env: production}
          receiver: notify-productionA
          group_wait: 1m
          continue: true
        - match_re: {env: produ.*, job: .*}
          receiver: notify-productionB
          group_wait: 30s
          group_interval: 5m
          repeat_interval: 1h
          group_by: [job]
    - match_re: {owner: 'team-(B|C)'}
      receiver: notify-BC
      group_by: [foo, bar]
      group_wait: 2m
    - match: {group_by: role}
      group_by: [role]
      routes:
        - match: {env: testing}
          receiver: notify-testing
          routes:
            - match: {wait: long}
              group_wait: 2m
receivers:
  - name: notify-def
  - name: notify-A
  - name: notify-testing
  - name: notify-productionA
  - name: notify-productionB
  - name: notify-BC
`;

const route = parseConfig(tree).route;

describe('Route.match (upstream TestRouteMatch)', () => {
  it.each([
    { labels: { owner: 'team-A' }, want: [['notify-A', '{}/{owner="team-A"}', 30_000, '']] },
    { labels: { owner: 'team-A', env: 'unset' }, want: [['notify-A', '{}/{owner="team-A"}', 30_000, '']] },
    {
      labels: { owner: 'team-C' },
      want: [['notify-BC', '{}/{owner=~"^(?:team-(B|C))$"}', 120_000, 'bar,foo']],
    },
    {
      labels: { owner: 'team-A', env: 'testing' },
      want: [['notify-testing', '{}/{owner="team-A"}/{env="testing"}', 30_000, '...']],
    },
    {
      labels: { owner: 'team-A', env: 'production' },
      want: [
        ['notify-productionA', '{}/{owner="team-A"}/{env="production"}', 60_000, ''],
        ['notify-productionB', '{}/{owner="team-A"}/{env=~"^(?:produ.*)$",job=~"^(?:.*)$"}', 30_000, 'job'],
      ],
    },
    { labels: { group_by: 'role' }, want: [['notify-def', '{}/{group_by="role"}', 30_000, 'role']] },
    {
      labels: { env: 'testing', group_by: 'role' },
      want: [['notify-testing', '{}/{group_by="role"}/{env="testing"}', 30_000, 'role']],
    },
    {
      labels: { env: 'testing', group_by: 'role', wait: 'long' },
      want: [['notify-testing', '{}/{group_by="role"}/{env="testing"}/{wait="long"}', 120_000, 'role']],
    },
    { labels: { other: 'x' }, want: [['notify-def', '{}', 30_000, '']] },
  ] as { labels: Record<string, string>; want: unknown[] }[])('$labels', ({ labels, want }) => {
    const got = route
      .match(labels)
      .map((r) => [
        r.options.receiver,
        r.key(),
        r.options.groupWaitMs,
        r.options.groupByAll ? '...' : r.options.groupBy.join(','),
      ]);
    expect(got).toEqual(want);
  });

  it('walks depth-first pre-order (TestRouteWalk)', () => {
    const receivers: string[] = [];
    route.walk((r) => receivers.push(r.options.receiver));
    expect(receivers).toEqual([
      'notify-def',
      'notify-A',
      'notify-testing',
      'notify-productionA',
      'notify-productionB',
      'notify-BC',
      'notify-def',
      'notify-testing',
      'notify-testing',
    ]);
  });

  it('numbers routes post-order and gives unique ids (TestRouteIndices, TestRouteID)', () => {
    const idx: number[] = [];
    route.walk((r) => idx.push(r.idx));
    expect(new Set(idx).size).toBe(idx.length);
    expect(route.idx).toBe(idx.length - 1);
    const ids = parseConfig(
      'route:\n  receiver: a\n  routes:\n    - {match: {foo: bar}, routes: [{match: {bar: baz}}]}\n    - {match: {foo: bar}}\n    - {match: {foo: bar}}\nreceivers: [{name: a}]\n',
    ).route;
    const got: string[] = [];
    ids.walk((r) => got.push(r.id()));
    expect(got).toEqual([
      '{}',
      '{}/{foo="bar"}/0',
      '{}/{foo="bar"}/0/{bar="baz"}/0',
      '{}/{foo="bar"}/1',
      '{}/{foo="bar"}/2',
    ]);
  });

  it('sorts new-style matchers in keys and matches an absent label as empty (TestRouteMatchers)', () => {
    const r = parseConfig(
      `route:\n  receiver: a\n  routes:\n    - matchers: ['{owner="team-A"}', '{level!="critical"}']\n      routes:\n        - matchers: ['{env="testing"}', '{baz!~".*quux"}']\nreceivers: [{name: a}]\n`,
    ).route;
    expect(r.match({ owner: 'team-A' }).map((x) => x.key())).toEqual([
      '{}/{level!="critical",owner="team-A"}',
    ]);
    expect(r.match({ owner: 'team-A', env: 'testing' }).map((x) => x.key())).toEqual([
      '{}/{level!="critical",owner="team-A"}/{baz!~".*quux",env="testing"}',
    ]);
  });
});
