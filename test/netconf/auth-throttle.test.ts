import { strict as assert } from 'assert';
import { AuthThrottle } from '../../src/netconf/transport/auth-throttle';

describe('netconf/transport: password failure throttle per source', () => {
  it('delays grow per source (doubling, capped), across connections, and a success clears them', () => {
    let now = 0;
    const t = new AuthThrottle({ baseDelayMs: 250, maxDelayMs: 2000, now: () => now });
    assert.deepEqual([1, 2, 3, 4, 5].map(() => t.failure('192.0.2.1')), [250, 500, 1000, 2000, 2000]);
    assert.equal(t.failure('192.0.2.2'), 250, 'another source starts fresh');
    t.success('192.0.2.1');
    assert.equal(t.failure('192.0.2.1'), 250);
  });

  it('forgets a source after a quiet period, and bounds the table', () => {
    let now = 0;
    const t = new AuthThrottle({ forgetAfterMs: 1000, maxSources: 2, now: () => now });
    t.failure('a');
    t.failure('a');
    assert.equal(t.failures('a'), 2);
    now = 1500;
    assert.equal(t.failures('a'), 0);
    t.failure('b');
    t.failure('c');
    t.failure('d');
    assert.equal(t.failures('b'), 0, 'the oldest source was dropped');
    assert.equal(t.failures('d'), 1);
  });
});
