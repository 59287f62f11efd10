/**
 * The project's YANG modules compile with libyang's yanglint, together with
 * the standard modules they import, with no error and no warning.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const yangDir = path.join(root, 'yang');
const ietf = '/usr/share/yuma/modules/ietf';

function yanglint(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('yanglint', args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('yang modules: yanglint', function () {
  const modules = fs
    .readdirSync(yangDir)
    .filter((f) => f.endsWith('.yang'))
    .sort()
    .map((f) => path.join(yangDir, f));

  before(function () {
    const v = spawnSync('yanglint', ['--version'], { encoding: 'utf8' });
    if (v.error || !fs.existsSync(ietf)) {
      throw new Error('yanglint (libyang-tools) and libyuma-base are required: npm run setup');
    }
    // eslint-disable-next-line no-console
    console.log(`      (${v.stdout.trim()})`);
  });

  it('holds the three contract modules', () => {
    const names = modules.map((m) => path.basename(m));
    for (const m of ['flowtapd-access.yang', 'flowtapd-class-of-service.yang', 'flowtapd-services.yang']) {
      assert.ok(names.includes(m), m);
    }
  });

  it('compiles all modules together with the standard modules: exit 0, nothing on stderr', () => {
    const r = yanglint(['-p', ietf, ...modules]);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
  });

  it('compiles each module on its own (every import resolvable): exit 0, nothing on stderr', () => {
    for (const m of modules) {
      const r = yanglint(['-p', ietf, '-p', yangDir, m]);
      assert.equal(r.stderr, '', m);
      assert.equal(r.status, 0, m);
    }
  });

  it('declares the contract names, namespaces, prefixes and revision', () => {
    const want: Record<string, [string, string, string]> = {
      'flowtapd-services': ['urn:flowtapd:yang:services', 'fts', '2026-12-06'],
      'flowtapd-access': ['urn:flowtapd:yang:access', 'fta', '2026-12-06'],
      'flowtapd-class-of-service': ['urn:flowtapd:yang:class-of-service', 'ftcos', '2026-11-24'],
    };
    for (const [name, [ns, prefix, revision]] of Object.entries(want)) {
      const r = yanglint(['-p', ietf, '-p', yangDir, '-f', 'info', path.join(yangDir, `${name}.yang`)]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`module ${name}\\b`));
      assert.match(r.stdout, new RegExp(`namespace "${ns}"`));
      assert.match(r.stdout, new RegExp(`prefix ${prefix}\\b`));
      assert.match(r.stdout, new RegExp(`revision ${revision}`));
    }
  });

  it('has the contract tree (yanglint -f tree)', () => {
    const r = yanglint(['-p', ietf, '-f', 'tree', ...modules]);
    assert.equal(r.status, 0, r.stderr);
    const t = r.stdout;
    for (const re of [
      /\+--rw services\n/,
      /\+--rw flow-tap!/,
      /\+--rw radius-flow-tap\n/,
      /\+--rw interfaces\*\s+if:interface-ref/,
      /\+--rw source-ipv4-address\?\s+inet:ipv4-address-no-zone/,
      /\+--rw forwarding-class\?\s+-> \/ftcos:class-of-service\/ftcos:forwarding-classes\/ftcos:class\/ftcos:name/,
      /\+--rw multicast-interception\?\s+empty/,
      /\+--rw maximum-sessions\?\s+uint32/,
      /\+--rw subscriber-interfaces\*/,
      /\+--rw policy\* \[name\]/,
      /\+--rw drop-policy\* \[name\]/,
      /\+--ro sessions\n/,
      /\+--ro session\* \[acct-session-id\]/,
      /\+---x clear-mirror-session/,
      /\+---n mirror-session-event/,
      /\+--rw class\* \[name\]/,
      /\+--rw queue-num\?\s+uint8/,
      /\+--rw dscp\?\s+inet:dscp/,
      /\+--rw radius-disconnect-port\?\s+inet:port-number/,
      /\+--rw radius-accounting-port\?\s+inet:port-number/,
      /\+--rw radius-client\* \[address\]/,
      /\+--ro subscriber\* \[acct-session-id\]/,
    ]) {
      assert.match(t, re);
    }
    for (const leaf of ['user-name', 'subscriber-address*', 'intercept-id', 'session-id', 'mediation-address',
      'mediation-port', 'tunnel-interface', 'state', 'start-time', 'packets', 'bytes', 'policy-drops',
      'framed-ip-address', 'framed-ipv6-prefix', 'nas-port-id']) {
      assert.ok(t.includes(`+--ro ${leaf}`), leaf);
    }
  });

  it('marks the LI subtrees, the sessions, the rpc, the notification, the secret, the commit history and the CoA counters default-deny-all', () => {
    const src = (n: string): string => fs.readFileSync(path.join(yangDir, n), 'utf8');
    const blockHasDDA = (text: string, head: RegExp): boolean => {
      const m = head.exec(text);
      if (!m) return false;
      const after = text.slice(m.index + m[0].length, m.index + m[0].length + 200);
      return /^\s*nacm:default-deny-all;/.test(after);
    };
    const s = src('flowtapd-services.yang');
    assert.ok(blockHasDDA(s, /container flow-tap \{/), 'flow-tap');
    assert.ok(blockHasDDA(s, /container radius-flow-tap \{/), 'radius-flow-tap');
    assert.ok(blockHasDDA(s, /container sessions \{/), 'sessions');
    assert.ok(blockHasDDA(s, /rpc clear-mirror-session \{/), 'rpc');
    assert.ok(blockHasDDA(s, /notification mirror-session-event \{/), 'notification');
    assert.ok(blockHasDDA(src('flowtapd-access.yang'), /leaf secret \{/), 'secret');
    // what would tell that intercepts exist: the commit history, the counters of CoA and Disconnect traffic
    assert.match(src('flowtapd-system.yang'), /container configuration-history \{\s*config false;\s*nacm:default-deny-all;/);
    for (const leaf of ['requests', 'coa-requests', 'disconnect-requests', 'acks', 'naks', 'duplicates']) {
      assert.match(src('flowtapd-access.yang'), new RegExp(`leaf ${leaf} \\{\\s*type yang:zero-based-counter64;\\s*nacm:default-deny-all;`), leaf);
    }
  });
});
