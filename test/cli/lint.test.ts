/**
 * `flowtapd lint`: the engine's offline front (DESIGN.md section 3), run as a
 * process for the contract (exit codes, one line per problem naming
 * file:line or the error-path) and in process for the rest.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { lint, parseLintArgs, UsageError } from '../../src/cli/lint';
import { factoryConfig } from '../../src/daemon/factory';
import { IMPLEMENTED_MODULES, searchPath } from '../../src/daemon/modules';
import { Datastore } from '../../src/datastore';
import { loadContext } from '../../src/yang/context';

const root = path.join(__dirname, '..', '..');
const yangDir = path.join(root, 'yang');
const MODULES = ['flowtapd-access.yang', 'flowtapd-class-of-service.yang', 'flowtapd-services.yang'].map((m) => path.join(yangDir, m));
const IANAIFT = '/usr/share/yuma/modules/ietf/iana-if-type@2014-05-08.yang';
const hand = (f: string): string => path.join(root, 'test', 'libyang-diff', 'corpus', 'hand', f);

function cli(args: string[], env: Record<string, string> = {}, cwd = root): { status: number | null; stdout: string; stderr: string } {
  const main = path.join(root, 'src', 'cli', 'main');
  const r = spawnSync(
    process.execPath,
    ['--import', pathToFileURL(require.resolve('tsx')).href, '-e', `require(${JSON.stringify(main)}).main(process.argv.slice(1)).then((c) => process.exit(c))`, 'lint', ...args],
    { cwd, encoding: 'utf8', env: { ...process.env, FLOWTAPD_YANG_PATH: '', ...env } },
  );
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli: flowtapd lint', function () {
  this.timeout(60000);
  let tmp: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flowtapd-lint-'));
    fs.writeFileSync(
      path.join(tmp, 'bad-range.yang'),
      'module bad-range {\n  yang-version 1.1;\n  namespace "urn:x:bad-range";\n  prefix b;\n  container c {\n    leaf x { type uint8 { range "1..300"; } }\n  }\n}\n',
    );
    fs.writeFileSync(
      path.join(tmp, 'bad-syntax.yang'),
      'module bad-syntax {\n  namespace "urn:x:bad-syntax";\n  prefix b;\n  container c {\n    leaf x { type string\n  }\n}\n',
    );
    fs.writeFileSync(
      path.join(tmp, 'bad-import.yang'),
      'module bad-import {\n  namespace "urn:x:bad-import";\n  prefix b;\n  import no-such-module { prefix n; }\n}\n',
    );
    // three problems found by validation (the pool members and forwarding-class are require-instance false)
    fs.writeFileSync(path.join(tmp, 'two-problems.config.xml'),
      '<services xmlns="urn:flowtapd:yang:services">\n  <flow-tap/>\n  <radius-flow-tap>\n    <interfaces>vt9</interfaces>\n    <forwarding-class>nope</forwarding-class>\n  </radius-flow-tap>\n</services>\n' +
      '<access xmlns="urn:flowtapd:yang:access">\n  <radius-disconnect-port>1813</radius-disconnect-port>\n</access>\n' +
      '<class-of-service xmlns="urn:flowtapd:yang:class-of-service"><forwarding-classes>\n' +
      '  <class><name>a</name><queue-num>1</queue-num><dscp>10</dscp></class>\n  <class><name>b</name><queue-num>2</queue-num><dscp>10</dscp></class>\n</forwarding-classes></class-of-service>\n');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a valid module set: exit 0, nothing on stderr', () => {
    const r = cli(MODULES);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /3 module\(s\) valid/);
  });

  it('a module with a bad restriction: exit 1, one line naming file:line', () => {
    const f = path.join(tmp, 'bad-range.yang');
    const r = cli([f]);
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6:\\d+: .*range`));
  });

  it('a module with a syntax error: exit 1, file:line of the error', () => {
    const r = cli([path.join(tmp, 'bad-syntax.yang')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /bad-syntax\.yang:6:\d+: /);
  });

  it('valid data: exit 0; invalid data: exit 1 with the error-path', () => {
    // iap-running uses ietf-system and nacm too: loaded by name from the search path
    const good = cli([...MODULES, IANAIFT, 'ietf-interfaces', 'ietf-system', 'ietf-netconf-acm', '--data', hand('iap-running.config.xml')]);
    assert.equal(good.stderr, '');
    assert.equal(good.status, 0);
    const bad = cli([...MODULES, IANAIFT, 'ietf-interfaces', 'ietf-system', 'ietf-netconf-acm', '--data', hand('iap-running-no-source-address.config.xml')]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /iap-running-no-source-address\.config\.xml: \/fts:services\/fts:radius-flow-tap: source-ipv4-address is required once the tunnel pool \(interfaces\) is non-empty \[operation-failed, must-violation\]/);
  });

  it('usage errors: exit 2 with the usage', () => {
    for (const args of [[], ['--bogus', ...MODULES], [...MODULES, '--type', 'config'], [...MODULES, '--data', hand('iap-running.config.xml'), '--type', 'running']]) {
      const r = cli(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /Usage: flowtapd lint \[--path DIR\]\.\.\. MODULE\.yang\.\.\. \[--data FILE\.xml\]\.\.\. \[--type config\|data\]/);
    }
  });

  it('the search path is the agent\'s: --path, FLOWTAPD_YANG_PATH, the project\'s yang/, the standard modules', () => {
    const yp = path.join(tmp, 'yp');
    const yq = path.join(tmp, 'yq');
    fs.mkdirSync(yp);
    fs.mkdirSync(yq);
    fs.writeFileSync(path.join(yp, 'dep.yang'), 'module dep {\n  yang-version 1.1;\n  namespace "urn:x:dep";\n  prefix d;\n  typedef t { type uint8; }\n}\n');
    fs.writeFileSync(path.join(yq, 'use.yang'), 'module use {\n  yang-version 1.1;\n  namespace "urn:x:use";\n  prefix u;\n  import dep { prefix d; }\n  leaf x { type d:t; }\n}\n');
    // an import found through FLOWTAPD_YANG_PATH, and a module named by name there
    const imp = cli([path.join(yq, 'use.yang')], { FLOWTAPD_YANG_PATH: `/nonexistent:${yp}` });
    assert.equal(imp.status, 0, imp.stderr);
    const byName = cli(['dep'], { FLOWTAPD_YANG_PATH: yp });
    assert.equal(byName.status, 0, byName.stderr);
    // without it the import is not found (the test above is not passing by accident)
    assert.equal(cli([path.join(yq, 'use.yang')]).status, 1);
    // the project's own modules by name, from any directory, and the search path in the message
    const own = cli(['flowtapd-services', 'flowtapd-access', 'iana-if-type'], {}, tmp);
    assert.equal(own.status, 0, own.stderr);
    const missing = cli(['no-such-module'], { FLOWTAPD_YANG_PATH: yp }, tmp);
    assert.equal(missing.status, 1);
    assert.ok(missing.stderr.includes(`(${yp}, ${yangDir}, /usr/share/yuma/modules)`), missing.stderr);
    // --path comes first
    const first = cli(['--path', yq, 'no-such-module'], { FLOWTAPD_YANG_PATH: yp }, tmp);
    assert.ok(first.stderr.includes(`(${yq}, ${yp}, ${yangDir}, /usr/share/yuma/modules)`), first.stderr);
  });

  it('an unreadable data file: exit 1 (not 2, usage), one line, no usage text', () => {
    const r = cli([...MODULES, '--data', path.join(tmp, 'missing.xml')]);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `${path.join(tmp, 'missing.xml')}: cannot read data file (no such file)\n`);
  });

  it('the examples split over several files: 04 alone is invalid, 01 to 04 merged are valid (a repeated --data)', () => {
    const ex = (f: string): string => path.join(root, 'examples', 'netconf', f);
    const base = [...MODULES, 'iana-if-type', 'ietf-interfaces'];
    const alone = cli([...base, '--data', ex('04-radius-flow-tap.xml')]);
    assert.equal(alone.status, 1);
    assert.match(alone.stderr, /04-radius-flow-tap\.xml: \/fts:services\/fts:radius-flow-tap: When condition "\.\.\/flow-tap" not satisfied/);
    const four = ['01-flow-tap.xml', '02-tunnel-interfaces.xml', '03-forwarding-class.xml', '04-radius-flow-tap.xml'].map(ex);
    const all = cli([...base, ...four.flatMap((f) => ['--data', f])]);
    assert.equal(all.stderr, '');
    assert.equal(all.status, 0);
    assert.equal(all.stdout, `${four.join(', ')}: valid (config, merged in this order)\n`);
    // without 01 (flow-tap), the problem names the file and line of radius-flow-tap
    const no01 = cli([...base, ...four.slice(1).flatMap((f) => ['--data', f])]);
    assert.equal(no01.status, 1);
    assert.equal(no01.stderr, `${ex('04-radius-flow-tap.xml')}:8: /fts:services/fts:radius-flow-tap: When condition "../flow-tap" not satisfied. [unknown-element, when-violation]\n`);
  });

  it('the examples: their NETCONF <config> envelope is taken off and the content validated', () => {
    const ex = (f: string): string => path.join(root, 'examples', 'netconf', f);
    // 01-03 and 05 stand alone; 04 refers to what 01-03 create (a configuration of its own would not)
    for (const f of ['01-flow-tap.xml', '02-tunnel-interfaces.xml', '03-forwarding-class.xml', '05-radius-client.xml']) {
      const r = cli([...MODULES, 'iana-if-type', 'ietf-interfaces', '--data', ex(f)]);
      assert.equal(r.stderr, '', f);
      assert.equal(r.status, 0, f);
    }
    // an edit that deletes: reported on its line, nothing else validated
    const del = cli([...MODULES, 'iana-if-type', 'ietf-interfaces', '--data', ex('90-move-pool-member.xml')]);
    assert.equal(del.status, 1);
    assert.deepEqual(del.stderr.trim().split('\n').map((l) => l.replace(/: an edit.*/, '')), [`${ex('90-move-pool-member.xml')}:7: <interfaces> has nc:operation="delete"`]);
  });

  describe('in process', () => {
    const NC = 'urn:ietf:params:xml:ns:netconf:base:1.0';
    const write = (name: string, text: string): string => {
      const f = path.join(tmp, name);
      fs.writeFileSync(f, text);
      return f;
    };

    it('the agent\'s own running.xml (factory defaults as the agent writes them) is valid', async () => {
      const dir = path.join(tmp, 'datadir');
      fs.mkdirSync(dir);
      new Datastore(loadContext(IMPLEMENTED_MODULES, { searchPath: searchPath() }), dir).load(factoryConfig({ user: 'admin', password: 'secret' }));
      const running = path.join(dir, 'running.xml');
      assert.match(fs.readFileSync(running, 'utf8'), new RegExp(`^<config xmlns="${NC}">`));
      const modules = [...MODULES, 'iana-if-type', 'ietf-interfaces', 'ietf-system', 'ietf-netconf-acm', 'ietf-netconf-monitoring'];
      const r = await lint({ paths: [], modules, data: [running], type: 'config' });
      assert.deepEqual(r.lines, []);
      assert.equal(r.code, 0);
    });

    it('<config> for --type config, <data> (base or NMDA namespace) for --type data; the wrong one is named', async () => {
      const body = '\n  <services xmlns="urn:flowtapd:yang:services">\n    <flow-tap/>\n    <bogus/>\n  </services>\n';
      const cfg = write('wrapped.config.xml', `<?xml version="1.0"?>\n<!-- c -->\n<config xmlns="${NC}">${body}</config>\n`);
      const data = write('wrapped.data.xml', `<data xmlns="${NC}">${body}</data>\n`);
      const nmda = write('wrapped.nmda.xml', `<data xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-nmda">${body}</data>\n`);
      // the content is validated: the unknown element is found on its own line
      const c = await lint({ paths: [], modules: MODULES, data: [cfg], type: 'config' });
      assert.equal(c.code, 1);
      assert.deepEqual(c.lines.map((l) => l.replace(/: \/fts:services: .*bogus.*/, '')), [`${cfg}:6`]);
      for (const f of [data, nmda]) {
        const d = await lint({ paths: [], modules: MODULES, data: [f], type: 'data' });
        assert.equal(d.code, 1);
        assert.deepEqual(d.lines.map((l) => l.replace(/: \/fts:services: .*bogus.*/, '')), [`${f}:4`]);
      }
      // valid content inside each envelope
      const ok = '<services xmlns="urn:flowtapd:yang:services"><flow-tap/></services>';
      assert.equal((await lint({ paths: [], modules: MODULES, data: [write('ok.config.xml', `<config xmlns="${NC}">${ok}</config>`)], type: 'config' })).code, 0);
      const state = '<subscribers xmlns="urn:flowtapd:yang:access"><subscriber><acct-session-id>1</acct-session-id></subscriber></subscribers>';
      assert.equal((await lint({ paths: [], modules: MODULES, data: [write('ok.data.xml', `<data xmlns="${NC}">${ok}${state}</data>`)], type: 'data' })).code, 0);
      // state data inside <config> is still refused
      assert.equal((await lint({ paths: [], modules: MODULES, data: [write('state.config.xml', `<config xmlns="${NC}">${state}</config>`)], type: 'config' })).code, 1);
      // the wrong envelope for the type: one line saying which type to use
      const wrong1 = await lint({ paths: [], modules: MODULES, data: [cfg], type: 'data' });
      assert.equal(wrong1.code, 1);
      assert.deepEqual(wrong1.lines, [`${cfg}:3: a <config> document holds configuration only: lint it with --type config (the default) [wrong-document-type]`]);
      const wrong2 = await lint({ paths: [], modules: MODULES, data: [data], type: 'config' });
      assert.deepEqual(wrong2.lines, [`${data}:1: a <data> document may hold state data: lint it with --type data [wrong-document-type]`]);
      const rpc = await lint({ paths: [], modules: MODULES, data: [write('rpc.xml', `<rpc xmlns="${NC}" message-id="1"><get/></rpc>`)], type: 'config' });
      assert.equal(rpc.code, 1);
      assert.match(rpc.lines.join('\n'), /rpc\.xml:1: <rpc> is not a data document/);
    });

    it('edit-config attributes: merge/replace/create and yang:insert ignored, delete/remove reported, others refused', async () => {
      const doc = (attr: string): string =>
        `<config xmlns="${NC}" xmlns:nc="${NC}" xmlns:yang="urn:ietf:params:xml:ns:yang:1">\n<services xmlns="urn:flowtapd:yang:services" ${attr}>\n<flow-tap/>\n</services>\n</config>\n`;
      for (const a of ['nc:operation="merge"', 'nc:operation="replace"', 'nc:operation="create"', 'yang:insert="first"']) {
        const r = await lint({ paths: [], modules: MODULES, data: [write('edit.xml', doc(a))], type: 'config' });
        assert.deepEqual(r.lines, [], a);
        assert.equal(r.code, 0, a);
      }
      for (const op of ['delete', 'remove']) {
        const f = write('edit.xml', doc(`nc:operation="${op}"`));
        const r = await lint({ paths: [], modules: MODULES, data: [f], type: 'config' });
        assert.equal(r.code, 1);
        assert.equal(r.lines.length, 1, r.lines.join('\n'));
        assert.ok(r.lines[0].startsWith(`${f}:2: <services> has nc:operation="${op}": an edit, not a configuration`), r.lines[0]);
      }
      const bad = await lint({ paths: [], modules: MODULES, data: [write('edit.xml', doc('nc:operation="frobnicate"'))], type: 'config' });
      assert.equal(bad.code, 1);
      assert.match(bad.lines[0], /edit\.xml:2: <services> has nc:operation="frobnicate", which is not merge, replace, create, delete or remove/);
    });

    it('every problem is one line, with file:line or the error-path', async () => {
      const f = path.join(tmp, 'two-problems.config.xml');
      const r = await lint({ paths: [], modules: MODULES, data: [f], type: 'config' });
      assert.equal(r.code, 1);
      assert.ok(r.lines.length >= 3, r.lines.join('\n'));
      assert.ok(r.lines.every((l) => !l.includes('\n') && l.startsWith(f)), r.lines.join('\n'));
      assert.ok(r.lines.some((l) => /fts:radius-flow-tap: source-ipv4-address is required.*must-violation/.test(l)), r.lines.join('\n'));
      assert.ok(r.lines.some((l) => /fta:radius-accounting-port: .*must differ.*must-violation/.test(l)), r.lines.join('\n'));
      assert.ok(r.lines.some((l) => /ftcos:class.*data-not-unique/.test(l)), r.lines.join('\n'));
    });

    it('an unknown element names file:line and the path of its parent', async () => {
      const f = path.join(tmp, 'unknown.config.xml');
      fs.writeFileSync(f, '<services xmlns="urn:flowtapd:yang:services">\n  <flow-tap/>\n  <bogus/>\n</services>\n');
      const r = await lint({ paths: [], modules: MODULES, data: [f], type: 'config' });
      assert.equal(r.code, 1);
      assert.match(r.lines[0], new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3(:\\d+)?: /fts:services: .*bogus`));
    });

    it('data of a module loaded only as an import: names that module as only imported (the agent\'s running.xml without ietf-netconf-acm)', async () => {
      const f = path.join(tmp, 'nacm.config.xml');
      fs.writeFileSync(f, '<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">\n<nacm xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-acm"/>\n</config>\n');
      const r = await lint({ paths: [], modules: MODULES, data: [f], type: 'config' });
      assert.equal(r.code, 1);
      assert.deepEqual(r.lines, [
        `${f}:2: /: unknown element "nacm" at the top level: module ietf-netconf-acm is only imported here, not implemented, so it has no data nodes [unknown-element]`,
      ]);
    });

    it('state data: refused as config, accepted as data', async () => {
      const f = path.join(tmp, 'state.xml');
      fs.writeFileSync(f, '<subscribers xmlns="urn:flowtapd:yang:access"><subscriber><acct-session-id>1</acct-session-id></subscriber></subscribers>\n');
      assert.equal((await lint({ paths: [], modules: MODULES, data: [f], type: 'config' })).code, 1);
      assert.equal((await lint({ paths: [], modules: MODULES, data: [f], type: 'data' })).code, 0);
    });

    it('a missing import names the importing file and line', async () => {
      const r = await lint({ paths: [], modules: [path.join(tmp, 'bad-import.yang')], data: [], type: 'config' });
      assert.equal(r.code, 1);
      assert.match(r.lines.join('\n'), /bad-import\.yang:4:\d+: .*no-such-module/);
    });

    it('a module or data file that cannot be read: exit 1, one line naming it; a bad --path is a usage error (exit 2)', async () => {
      const mod = await lint({ paths: [], modules: [path.join(tmp, 'nope.yang')], data: [], type: 'config' });
      assert.deepEqual([mod.code, mod.lines], [1, [`${path.join(tmp, 'nope.yang')}: cannot read module file (no such file)`]]);
      const data = await lint({ paths: [], modules: MODULES, data: [path.join(tmp, 'nope.xml')], type: 'config' });
      assert.deepEqual([data.code, data.lines], [1, [`${path.join(tmp, 'nope.xml')}: cannot read data file (no such file)`]]);
      const dir = await lint({ paths: [], modules: MODULES, data: [tmp], type: 'config' });
      assert.deepEqual([dir.code, dir.lines], [1, [`${tmp}: cannot read data file (not a regular file)`]]);
      assert.equal((await lint({ paths: [path.join(tmp, 'nope')], modules: MODULES, data: [], type: 'config' })).code, 2);
    });

    it('parses the command line; --data may be given several times', () => {
      assert.deepEqual(parseLintArgs(['--path', '/a', '--path=/b', 'm.yang', '--data', 'd.xml', '--type', 'data']), {
        paths: ['/a', '/b'], modules: ['m.yang'], data: ['d.xml'], type: 'data',
      });
      assert.deepEqual(parseLintArgs(['m.yang', '--data', 'a.xml', '--data=b.xml', '-d', 'c.xml']), { paths: [], modules: ['m.yang'], data: ['a.xml', 'b.xml', 'c.xml'], type: 'config' });
      assert.equal(parseLintArgs(['--help']), 'help');
      assert.throws(() => parseLintArgs([]), UsageError);
      assert.throws(() => parseLintArgs(['m.yang', '--data']), UsageError);
      assert.throws(() => parseLintArgs(['m.yang', '--data', 'a', '--data']), UsageError);
    });

    describe('several --data: the documents merged in order, then validated', () => {
      const SRV = 'urn:flowtapd:yang:services';
      const ACC = 'urn:flowtapd:yang:access';
      const COS = 'urn:flowtapd:yang:class-of-service';
      const files = (docs: Record<string, string>): string[] => Object.entries(docs).map(([name, text]) => write(name, text));
      const run = (data: string[], type: 'config' | 'data' = 'config') => lint({ paths: [], modules: MODULES, data, type });

      it('a later leaf replaces an earlier one; leaf-list values and list entries (by key) are merged, not doubled', async () => {
        const [a, b] = files({
          'm-a.xml': `<services xmlns="${SRV}"><flow-tap/><radius-flow-tap><interfaces>vt0</interfaces><source-ipv4-address>192.0.2.1</source-ipv4-address></radius-flow-tap></services>\n` +
            `<access xmlns="${ACC}"><radius-disconnect-port>1813</radius-disconnect-port><radius-client><address>192.0.2.7</address><secret>s1</secret></radius-client></access>\n`,
          'm-b.xml': `<services xmlns="${SRV}"><radius-flow-tap><interfaces>vt1</interfaces><interfaces>vt0</interfaces></radius-flow-tap></services>\n` +
            `<access xmlns="${ACC}"><radius-disconnect-port>3799</radius-disconnect-port><radius-client><address>192.0.2.7</address><require-message-authenticator>true</require-message-authenticator></radius-client></access>\n`,
        });
        // alone, a.xml's disconnect port is the accounting port's default
        assert.match((await run([a])).lines.join('\n'), /radius-accounting-port: .*must differ/);
        const r = await run([a, b]);
        assert.deepEqual(r.lines, []);
        assert.equal(r.code, 0);
        // in the other order a.xml's port is the one that stays
        const ba = await run([b, a]);
        assert.equal(ba.code, 1);
        // the default accounting port is in no file: the problem names where both hold /access
        assert.deepEqual(ba.lines.map((l) => l.replace(/: \/.*/, '')), [`${b}:2, ${a}:2`]);
      });

      it('each problem names the file and line its node comes from; a node several files hold, each of them', async () => {
        const [a, b] = files({
          'p-a.xml': `<services xmlns="${SRV}">\n  <flow-tap/>\n  <radius-flow-tap>\n    <interfaces>vt0</interfaces>\n  </radius-flow-tap>\n</services>\n` +
            `<class-of-service xmlns="${COS}"><forwarding-classes>\n<class><name>a</name><queue-num>1</queue-num><dscp>10</dscp></class>\n</forwarding-classes></class-of-service>\n`,
          'p-b.xml': `<class-of-service xmlns="${COS}"><forwarding-classes>\n\n<class><name>b</name><queue-num>2</queue-num><dscp>10</dscp></class>\n</forwarding-classes></class-of-service>\n` +
            `<services xmlns="${SRV}">\n  <radius-flow-tap>\n    <forwarding-class>a</forwarding-class>\n  </radius-flow-tap>\n</services>\n`,
        });
        const r = await run([a, b]);
        assert.equal(r.code, 1);
        assert.ok(r.lines.every((l) => !l.includes('\n')), r.lines.join('\n'));
        // the pool needs a source address: radius-flow-tap is in both files
        assert.ok(r.lines.includes(`${a}:3, ${b}:6: /fts:services/fts:radius-flow-tap: source-ipv4-address is required once the tunnel pool (interfaces) is non-empty [operation-failed, must-violation]`), r.lines.join('\n'));
        // the second class with code point 10 is b.xml's
        assert.ok(r.lines.some((l) => l.startsWith(`${b}:3: /ftcos:class-of-service/ftcos:forwarding-classes/ftcos:class[ftcos:name='b']: `) && /data-not-unique/.test(l)), r.lines.join('\n'));
        assert.equal(r.lines.length, 2, r.lines.join('\n'));
      });

      it('a problem within one document names that file and line, and nothing is merged or validated', async () => {
        const [a, b] = files({
          'q-a.xml': `<services xmlns="${SRV}"><flow-tap/></services>\n`,
          'q-b.xml': `<access xmlns="${ACC}">\n  <radius-disconnect-port>70000</radius-disconnect-port>\n</access>\n`,
        });
        const r = await run([a, b]);
        assert.equal(r.code, 1);
        assert.equal(r.lines.length, 1, r.lines.join('\n'));
        assert.ok(r.lines[0].startsWith(`${b}:2`), r.lines[0]);
        const missing = path.join(tmp, 'q-missing.xml');
        const u = await run([a, missing, tmp]);
        assert.deepEqual([u.code, u.lines], [1, [`${missing}: cannot read data file (no such file)`, `${tmp}: cannot read data file (not a regular file)`]]);
      });

      it('--type data: state lists are merged by key too', async () => {
        const subs = (...entries: string[]): string =>
          `<subscribers xmlns="${ACC}">${entries.map((e) => `<subscriber><acct-session-id>${e}</subscriber>`).join('')}</subscribers>\n`;
        const [a, b] = files({ 's-a.xml': subs('1</acct-session-id><user-name>u</user-name>'), 's-b.xml': subs('1</acct-session-id><nas-identifier>bng1</nas-identifier>', '2</acct-session-id>') });
        const r = await run([a, b], 'data');
        assert.deepEqual([r.code, r.lines], [0, []]);
        // as configuration, state data is refused in each file
        assert.deepEqual((await run([a, b])).lines.map((l) => l.replace(/: .*/, '')), [`${a}:1`, `${b}:1`]);
      });
    });
  });
});
