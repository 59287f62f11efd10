/**
 * The NETCONF client (src/netconf/client.ts, used by `flowtapd show` and the
 * benchmarks) turns Nagle off before its socket connects: the key exchange
 * and authentication are small writes that each wait for the peer's
 * answer, and one held back for a delayed ACK added 40 ms to a session
 * setup (bench/README.md, the twelfth session).
 */
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { startAgent, Harness } from './agent-harness';

describe('netconf client: TCP_NODELAY from the first byte', function () {
  this.timeout(30000);
  let h: Harness;
  before(async () => {
    h = await startAgent();
  });
  after(() => h.stop());

  it('setNoDelay(true) is called on the client\'s socket while it is still connecting', async () => {
    const calls: { noDelay: boolean | undefined; connecting: boolean; local: number | undefined }[] = [];
    const original = net.Socket.prototype.setNoDelay;
    net.Socket.prototype.setNoDelay = function (this: net.Socket, noDelay?: boolean) {
      calls.push({ noDelay, connecting: this.connecting, local: this.localPort });
      return original.call(this, noDelay);
    };
    let c;
    try {
      c = await h.connect();
    } finally {
      net.Socket.prototype.setNoDelay = original;
    }
    // the client's call is made before the connection exists (no local port yet); the agent's own
    // call is on its accepted socket, already connected
    const early = calls.filter((x) => x.connecting && x.local === undefined);
    assert.equal(early.length, 1, JSON.stringify(calls));
    assert.notEqual(early[0].noDelay, false);
    assert.match(await c.rpc('<get-config><source><running/></source></get-config>'), /<data/);
  });
});
