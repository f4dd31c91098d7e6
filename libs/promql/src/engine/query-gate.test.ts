import { describe, expect, it } from 'vitest';
import { QueryCanceledError } from './errors.ts';
import { QueryGate } from './query-gate.ts';

describe('QueryGate', () => {
  it('admits up to the limit and the rest in arrival order', async () => {
    const gate = new QueryGate(1);
    const order: string[] = [];
    const r1 = await gate.enter();
    const p2 = gate.enter().then((r) => (order.push('2'), r));
    const p3 = gate.enter().then((r) => (order.push('3'), r));
    expect(gate.waiting).toBe(2);
    r1();
    const r2 = await p2;
    r2();
    (await p3)();
    expect(order).toEqual(['2', '3']);
    expect(gate.active).toBe(0);
  });

  it('rejects a waiter whose signal aborts', async () => {
    const gate = new QueryGate(1);
    const r1 = await gate.enter();
    const ac = new AbortController();
    const waiting = gate.enter(ac.signal);
    ac.abort();
    await expect(waiting).rejects.toBeInstanceOf(QueryCanceledError);
    expect(gate.waiting).toBe(0);
    r1();
    expect(gate.active).toBe(0);
  });
});
