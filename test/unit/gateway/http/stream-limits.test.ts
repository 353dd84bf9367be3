import { describe, expect, it } from 'vitest';
import { admit, createPrincipalTable } from '../../../../main/gateway/http/stream-limits.ts';

interface Item {
  name: string;
  idle: boolean;
  last: number;
}
const item = (name: string, idle = true, last = 0): Item => ({ name, idle, last });

describe('admit (per-principal and overall quotas)', () => {
  it('admits under both quotas', () => {
    const table = createPrincipalTable<Item>();
    table.add('a', item('a1'));
    expect(admit(table, 'a', { overall: 3, perPrincipal: 2 })).toEqual({ ok: true });
  });

  it("at a principal's quota: evicts ITS least recently active idle item, or refuses", () => {
    const table = createPrincipalTable<Item>();
    const [a1, a2] = [item('a1', true, 5), item('a2', true, 1)];
    table.add('a', a1);
    table.add('a', a2);
    table.add('b', item('b1', true, 0));
    const limits = { overall: 10, perPrincipal: 2 };
    expect(
      admit(
        table,
        'a',
        limits,
        (i) => i.idle,
        (i) => i.last,
      ),
    ).toEqual({ ok: true, evict: a2 });
    a1.idle = false;
    a2.idle = false;
    expect(
      admit(
        table,
        'a',
        limits,
        (i) => i.idle,
        (i) => i.last,
      ),
    ).toEqual({ ok: false, reason: 'principal' });
    expect(admit(table, 'b', limits, (i) => i.idle)).toEqual({ ok: true });
  });

  it('at the overall cap: the largest holder gives up an idle item; streams (never idle) are refused', () => {
    const table = createPrincipalTable<Item>();
    const big = [item('a1'), item('a2'), item('a3')];
    for (const i of big) table.add('a', i);
    table.add('b', item('b1'));
    const limits = { overall: 4, perPrincipal: 10 };
    expect(admit(table, 'c', limits, (i) => i.idle)).toEqual({ ok: true, evict: big[0] });
    expect(admit(table, 'c', limits)).toEqual({ ok: false, reason: 'overall' });
  });

  it('forgets removed items and empty principals', () => {
    const table = createPrincipalTable<Item>();
    const a = item('a1');
    table.add('a', a);
    table.remove(a);
    table.remove(a);
    expect([table.size, table.countOf('a'), table.largest(), table.all()]).toEqual([0, 0, undefined, []]);
  });
});
