import { describe, expect, it } from 'vitest';
import { Labels } from '@argus/model';
import { DEFAULT_COLLECTOR_OPTIONS } from './collector-options.ts';
import { ConfigError } from './errors.ts';
import { FamilyDesc } from './family-builder.ts';
import { HostPaths } from './host-paths.ts';
import { NodeCollector } from './node-collector.ts';
import { sampleLines } from './testing/sample-lines.ts';

const desc = new FamilyDesc('node_test_value', 'gauge', 'A test value.', ['x']);

describe('NodeCollector', () => {
  it('reports a failing collector as success 0 and keeps the others', async () => {
    const failures: string[] = [];
    const node = new NodeCollector(
      [
        { name: 'good', collect: async () => [desc.builder().add(2, 'b').add(1, 'a').build()] },
        { name: 'bad', collect: async () => Promise.reject(new Error('boom')) },
      ],
      (name, err) => failures.push(`${name}: ${(err as Error).message}`),
    );
    const families = await node.collect();
    const lines = sampleLines(families);
    expect(failures).toEqual(['bad: boom']);
    expect(lines).toContain('node_scrape_collector_success{collector="good"} 1');
    expect(lines).toContain('node_scrape_collector_success{collector="bad"} 0');
    expect(lines.filter((l) => l.startsWith('node_scrape_collector_duration_seconds{'))).toHaveLength(2);
    // Samples sorted by label values, families by name, as client_golang exposes them.
    expect(lines.filter((l) => l.startsWith('node_test_value'))).toEqual([
      'node_test_value{x="a"} 1',
      'node_test_value{x="b"} 2',
    ]);
    const names = families.map((f) => f.name);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('node_exporter_build_info');
  });

  it('builds the named collectors and refuses an unknown one', () => {
    const context = { paths: new HostPaths(), options: DEFAULT_COLLECTOR_OPTIONS };
    expect(NodeCollector.create(['loadavg', 'cpu', 'loadavg'], context).names).toEqual(['cpu', 'loadavg']);
    expect(() => NodeCollector.create(['nope'], context)).toThrow(ConfigError);
  });

  it('keeps empty label values, as client_golang exposes them', () => {
    const labels = new FamilyDesc('f', 'gauge', 'h', ['b', 'a']).schema.labels(['', 'x']);
    expect(labels.flat).toEqual(['a', 'x', 'b', '']);
    expect(labels).toBeInstanceOf(Labels);
  });
});
