import { Labels } from '@argus/model';
import { describe, expect, it } from 'vitest';
import { OutgoingSeriesTable } from './outgoing-series-table.ts';

describe('OutgoingSeriesTable', () => {
  const make = () => {
    const computed: string[] = [];
    const table = new OutgoingSeriesTable((labels) => {
      computed.push(labels.toString());
      return labels.get('drop') === ''
        ? { hash: 1, pairs: [{ bytes: Buffer.from(labels.toString()), at: 0, block: 0 }], size: 0 }
        : null;
    });
    return { table, computed };
  };

  it('computes a series once per Labels object, by ref or without one', () => {
    const { table, computed } = make();
    const a = Labels.of('__name__', 'a');
    const slot = table.slot(0, a);
    expect(table.slot(slot + 1, a)).toBe(slot);
    expect(table.slot(0, a)).toBe(slot);
    expect(computed).toEqual(['{__name__="a"}']);
    expect(Buffer.from(table.series(slot)!.pairs[0]!.bytes).toString()).toBe('{__name__="a"}');
    const dropped = table.slot(0, Labels.of('__name__', 'b', 'drop', 'yes'));
    expect(table.series(dropped)).toBeNull();
  });

  it('frees slots unused for a whole sweep period; a stale ref then misses safely', () => {
    const { table, computed } = make();
    const a = Labels.of('__name__', 'a');
    const b = Labels.of('__name__', 'b');
    const slotA = table.slot(0, a);
    table.slot(0, b);
    table.sweep(); // both used in this period: kept
    expect(table.size).toBe(2);
    table.slot(slotA + 1, a);
    table.sweep(); // b unused since the last sweep: freed
    expect(table.size).toBe(1);
    const c = Labels.of('__name__', 'c');
    const slotC = table.slot(0, c); // reuses b's slot
    expect(table.size).toBe(2);
    // b comes back (with its old ref, now c's slot): computed again, c untouched.
    const slotB = table.slot(slotC + 1, b);
    expect(slotB).not.toBe(slotC);
    expect(Buffer.from(table.series(slotC)!.pairs[0]!.bytes).toString()).toBe('{__name__="c"}');
    expect(Buffer.from(table.series(slotB)!.pairs[0]!.bytes).toString()).toBe('{__name__="b"}');
    expect(computed).toEqual(['{__name__="a"}', '{__name__="b"}', '{__name__="c"}', '{__name__="b"}']);
  });
});
