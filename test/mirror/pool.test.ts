import { strict as assert } from 'assert';
import { GROUPS_PER_MEMBER, groupLoad, pickGroup, pickMember, rebalance, rebalanceGroups } from '../../src/mirror/pool';

const s = (acctSessionId: string, tunnel: string | null) => ({ acctSessionId, tunnel });

describe('mirror: tunnel pool assignment (DESIGN.md section 6)', () => {
  it('a new mirror goes to the usable member with the fewest sessions, ties in pool order', () => {
    assert.equal(pickMember(['vt0', 'vt1', 'vt2'], [s('a', 'vt0'), s('b', 'vt1'), s('c', 'vt0')]), 'vt2');
    assert.equal(pickMember(['vt0', 'vt1'], []), 'vt0');
    assert.equal(pickMember(['vt0', 'vt1'], [s('a', 'vt0')]), 'vt1');
    // sessions on members outside the usable set do not count
    assert.equal(pickMember(['vt1', 'vt2'], [s('a', 'vt0'), s('b', 'vt1')]), 'vt2');
  });

  it('no usable member: no tunnel', () => {
    assert.equal(pickMember([], [s('a', 'vt0')]), null);
  });

  it('sessions of a member that left are spread over the others; healthy sessions stay', () => {
    const sessions = [s('a', 'vt0'), s('b', 'vt0'), s('c', 'vt1'), s('d', 'vt2'), s('e', 'vt0')];
    const moves = rebalance(['vt1', 'vt2'], sessions);
    assert.deepEqual(
      moves.map((m) => m.key),
      ['a', 'b', 'e'],
    );
    assert.ok(moves.every((m) => m.from === 'vt0' && m.to !== null));
    assert.equal(sessions.find((x) => x.acctSessionId === 'c')!.tunnel, 'vt1');
    assert.equal(sessions.find((x) => x.acctSessionId === 'd')!.tunnel, 'vt2');
    const load = (t: string) => sessions.filter((x) => x.tunnel === t).length;
    assert.ok(Math.abs(load('vt1') - load('vt2')) <= 1, 'moved sessions are balanced');
  });

  it('with no usable member, sessions wait without a tunnel; a returning member takes them', () => {
    const sessions = [s('a', 'vt0'), s('b', 'vt0')];
    const gone = rebalance([], sessions);
    assert.deepEqual(gone.map((m) => [m.key, m.to]), [['a', null], ['b', null]]);
    assert.ok(sessions.every((x) => x.tunnel === null));
    const back = rebalance(['vt3'], sessions);
    assert.deepEqual(back.map((m) => [m.key, m.from, m.to]), [['a', null, 'vt3'], ['b', null, 'vt3']]);
  });

  it('a new member does not take healthy sessions', () => {
    const sessions = [s('a', 'vt0'), s('b', 'vt0')];
    assert.deepEqual(rebalance(['vt0', 'vt1'], sessions), []);
    assert.ok(sessions.every((x) => x.tunnel === 'vt0'));
  });

  describe('mirror groups (one shared kernel action each)', () => {
    const g = (acctSessionId: string, tunnel: string | null, group?: number) => ({ acctSessionId, tunnel, group });

    it('a member spreads new sessions over new groups up to GROUPS_PER_MEMBER, then joins its least-loaded group', () => {
      const sessions: { acctSessionId: string; tunnel: string | null; group?: number }[] = [];
      for (let i = 0; i < GROUPS_PER_MEMBER * 3 + 1; i++) {
        const group = pickGroup('vt0', groupLoad(sessions), 4096)!;
        sessions.push(g(`s${i}`, 'vt0', group));
      }
      const load = groupLoad(sessions);
      assert.equal(load.size, GROUPS_PER_MEMBER);
      const counts = [...load.values()].map((x) => x.count);
      assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, counts.join());
      // another member gets groups of its own
      const other = pickGroup('vt1', load, 4096)!;
      assert.ok(!load.has(other));
      // no free id and no group of its own: none
      assert.equal(pickGroup('vt2', load, GROUPS_PER_MEMBER), null);
    });

    it('a failed member moves group by group to the least-loaded members; healthy sessions stay', () => {
      const sessions = [
        ...Array.from({ length: 40 }, (_, i) => g(`a${i}`, 'vt0', i % 4)), // 4 groups of 10 on vt0
        ...Array.from({ length: 10 }, (_, i) => g(`b${i}`, 'vt1', 10)),
        ...Array.from({ length: 30 }, (_, i) => g(`c${i}`, 'vt2', 20)),
      ];
      const { moves, groupMoves, grouped } = rebalanceGroups(['vt1', 'vt2'], sessions, 4096);
      assert.deepEqual(grouped, []);
      assert.equal(moves.length, 40);
      assert.deepEqual(groupMoves.map((m) => [m.group, m.from, m.to, m.keys.length]), [[0, 'vt0', 'vt1', 10], [1, 'vt0', 'vt1', 10], [2, 'vt0', 'vt1', 10], [3, 'vt0', 'vt2', 10]]);
      assert.ok(sessions.filter((x) => x.acctSessionId.startsWith('b')).every((x) => x.tunnel === 'vt1' && x.group === 10));
      assert.ok(sessions.filter((x) => x.acctSessionId.startsWith('c')).every((x) => x.tunnel === 'vt2' && x.group === 20));
      const load = (t: string) => sessions.filter((x) => x.tunnel === t).length;
      assert.deepEqual([load('vt1'), load('vt2')], [40, 40]);
      for (const m of groupMoves) assert.ok(sessions.filter((x) => x.group === m.group).every((x) => x.tunnel === m.to));
    });

    it('no usable member: groups keep their ids without a tunnel; a returning member takes them whole', () => {
      const sessions = [g('a', 'vt0', 1), g('b', 'vt0', 1), g('c', 'vt0', 2)];
      const gone = rebalanceGroups([], sessions, 4096);
      assert.deepEqual(gone.groupMoves.map((m) => [m.group, m.to]), [[1, null], [2, null]]);
      assert.ok(sessions.every((x) => x.tunnel === null));
      const back = rebalanceGroups(['vt3'], sessions, 4096);
      assert.deepEqual(back.groupMoves.map((m) => [m.group, m.from, m.to]), [[1, null, 'vt3'], [2, null, 'vt3']]);
      assert.deepEqual(sessions.map((x) => [x.tunnel, x.group]), [['vt3', 1], ['vt3', 1], ['vt3', 2]]);
    });

    it('sessions saved before groups are given groups on their member without moving; a group id shared by two members is split', () => {
      const sessions = [g('a', 'vt0'), g('b', 'vt1'), g('c', 'vt0', 5), g('d', 'vt1', 5)];
      const r = rebalanceGroups(['vt0', 'vt1'], sessions, 4096);
      assert.deepEqual(r.moves, []);
      assert.deepEqual(r.grouped.sort(), ['a', 'b', 'd']);
      assert.ok(sessions.every((x) => x.group !== undefined));
      const load = groupLoad(sessions);
      for (const s of sessions) assert.equal(load.get(s.group!)!.tunnel, s.tunnel);
    });
  });
});
