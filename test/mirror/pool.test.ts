import { strict as assert } from 'assert';
import { pickMember, rebalance } from '../../src/mirror/pool';

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
});
