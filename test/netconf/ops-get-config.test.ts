import assert from 'node:assert/strict';
import { NetconfClient, parseReply } from '../../src/netconf/client';
import { unknownParam, startAgent, Harness, assertOk, errorOf, dataOf, editConfig, getConfig, cos, klass, COS, ACC, NACM, WD, IF, SYS, NOTIF, sleep } from './agent-harness';
import { openNetconf, rpc } from './transport-helpers';

describe('netconf ops: get-config (RFC 6241 7.1, subtree filters section 6, xpath, with-defaults RFC 6243)', function () {
  this.timeout(30000);
  let h: Harness;
  let c: NetconfClient;
  before(async () => {
    h = await startAgent();
    c = await h.connect();
    assertOk(await c.rpc(editConfig('candidate', cos(klass('be', 0, 0) + klass('af', 1, 10) + klass('ef', 5, 46)))));
    // with-defaults: disconnect port set explicitly to its default value; accounting port left to its default
    assertOk(await c.rpc(editConfig('candidate', `<access xmlns="${ACC}"><radius-disconnect-port>3799</radius-disconnect-port></access>`)));
    assertOk(await c.rpc('<commit/>'));
    assertOk(await c.rpc(editConfig('candidate', cos(klass('cand-only', 2)))));
  });
  after(() => h.stop());

  it('sources: running, candidate and startup hold their own content', async () => {
    const run = dataOf(await c.rpc(getConfig('running')));
    const cand = dataOf(await c.rpc(getConfig('candidate')));
    const start = dataOf(await c.rpc(getConfig('startup')));
    assert.match(run, /<name>ef<\/name>/);
    assert.doesNotMatch(run, /cand-only/);
    assert.match(cand, /<name>cand-only<\/name>/);
    assert.doesNotMatch(start, /<name>ef<\/name>/, 'a commit does not touch startup');
    assert.match(start, /<nacm /);
  });

  it('an unknown parameter, beside <source> or in it, is unknown-element; with-defaults only in its own namespace; twice is bad-element (App. A)', async () => {
    unknownParam(await c.rpc('<get-config><source><running/></source><bogus/></get-config>'), 'bogus');
    unknownParam(await c.rpc('<get-config><source><running/><bogus/></source></get-config>'), 'bogus');
    const e3 = errorOf(await c.rpc('<get-config><source><running/></source><with-defaults>report-all</with-defaults></get-config>'));
    assert.deepEqual([e3.tag, e3.info['bad-element']], ['unknown-element', 'with-defaults']);
    const e4 = errorOf(await c.rpc(`<get-config><source><running/></source><filter type="subtree"><class-of-service xmlns="${COS}"/></filter><filter/></get-config>`));
    assert.deepEqual([e4.type, e4.tag, e4.info['bad-element']], ['protocol', 'bad-element', 'filter']);
    assert.match(dataOf(await c.rpc(getConfig('running', '', `<with-defaults xmlns="${WD}">report-all</with-defaults>`))), /<name>ef<\/name>/);
  });

  it('unknown source and missing source are protocol errors', async () => {
    unknownParam(await c.rpc('<get-config><source><nonesuch/></source></get-config>'), 'nonesuch');
    const e2 = errorOf(await c.rpc('<get-config/>'));
    assert.equal(e2.tag, 'missing-element');
    assert.equal(e2.info['bad-element'], 'source');
  });

  describe('subtree filter', () => {
    it('selection node: the whole subtree, nothing else', async () => {
      const d = dataOf(await c.rpc(getConfig('running', `<class-of-service xmlns="${COS}"/>`)));
      assert.match(d, /^<class-of-service xmlns="urn:flowtapd:yang:class-of-service">/);
      assert.doesNotMatch(d, /nacm|access/);
      assert.equal([...d.matchAll(/<class>/g)].length, 3);
    });

    it('content match node selects the matching list entry (with all its children)', async () => {
      const d = dataOf(await c.rpc(getConfig('running', cos('<class><name>af</name></class>'))));
      assert.equal(d, `<class-of-service xmlns="${COS}"><forwarding-classes><class><name>af</name><queue-num>1</queue-num><dscp>10</dscp></class></forwarding-classes></class-of-service>`);
    });

    it('content match on a non-key leaf plus a selection node returns only the selected leaf and the key', async () => {
      const d = dataOf(await c.rpc(getConfig('running', cos('<class><queue-num>5</queue-num><dscp/></class>'))));
      assert.match(d, /<name>ef<\/name>/);
      assert.match(d, /<dscp>46<\/dscp>/);
      assert.doesNotMatch(d, /<name>af<\/name>|<name>be<\/name>/);
    });

    it('containment nodes with several selections; a content match that fails selects nothing', async () => {
      const d = dataOf(await c.rpc(getConfig('running', cos('<class><name/><dscp/></class>'))));
      assert.equal([...d.matchAll(/<dscp>/g)].length, 3);
      assert.doesNotMatch(d, /queue-num/);
      const none = dataOf(await c.rpc(getConfig('running', cos('<class><name>nope</name></class>'))));
      assert.equal(none, '');
    });

    it('namespace matters: an element in another namespace selects nothing; an empty filter selects nothing', async () => {
      assert.equal(dataOf(await c.rpc(getConfig('running', '<class-of-service xmlns="urn:other"/>'))), '');
      assert.equal(dataOf(await c.rpc('<get-config><source><running/></source><filter type="subtree"></filter></get-config>')), '');
    });

    it('nested containment over nacm groups', async () => {
      const d = dataOf(await c.rpc(getConfig('running', `<nacm xmlns="${NACM}"><groups><group><name>admin</name><user-name/></group></groups></nacm>`)));
      assert.equal(d, `<nacm xmlns="${NACM}"><groups><group><name>admin</name><user-name>admin</user-name></group></groups></nacm>`);
    });
  });

  describe('subtree filter: several fragments for one node, list entries without the selected node, identities', () => {
    const IANA = 'urn:ietf:params:xml:ns:yang:iana-if-type';
    const itf = (name: string, type: string, more = '') => `<interface><name>${name}</name><type xmlns:ianaift="${IANA}">ianaift:${type}</type>${more}</interface>`;
    const NCA = `xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="remove"`;
    before(async () => {
      // committed too (without the candidate-only class): running holds the default leaves validation adds
      assertOk(await c.rpc('<discard-changes/>'));
      assertOk(
        await c.rpc(
          editConfig(
            'candidate',
            `<system xmlns="${SYS}"><contact>C</contact><location>L</location></system>` +
              `<interfaces xmlns="${IF}">${itf('vt0', 'tunnel', '<description>d0</description>')}${itf('vt1', 'tunnel', '<enabled>false</enabled>')}${itf('vt2', 'ethernetCsmacd')}</interfaces>`,
          ),
        ),
      );
      assertOk(await c.rpc('<commit/>'));
    });
    after(async () => {
      assertOk(await c.rpc(editConfig('candidate', `<system xmlns="${SYS}"><contact ${NCA}/><location ${NCA}/></system><interfaces xmlns="${IF}" ${NCA}/>`)));
      assertOk(await c.rpc('<commit/>'));
      assertOk(await c.rpc(editConfig('candidate', cos(klass('cand-only', 2)))));
    });
    const cand = async (filter: string) => dataOf(await c.rpc(getConfig('candidate', filter)));

    it('two fragments selecting the same container: the union of both (RFC 6241 6.3)', async () => {
      const d = await cand(`<system xmlns="${SYS}"><contact/></system><system xmlns="${SYS}"><location/></system>`);
      assert.equal(d, `<system xmlns="${SYS}"><contact>C</contact><location>L</location></system>`);
      // within one fragment: two containment nodes for the same container
      const d2 = await cand(`<interfaces xmlns="${IF}"><interface><name>vt0</name><description/></interface><interface><name>vt0</name><type/></interface></interfaces>`);
      assert.equal(d2, `<interfaces xmlns="${IF}"><interface><name>vt0</name><type xmlns:ianaift="${IANA}">ianaift:tunnel</type><description>d0</description></interface></interfaces>`);
    });

    it('fragments for different entries of one list (RFC 6241 6.4.7) and a selection node beside a containment node for the same list', async () => {
      const d = await cand(`<interfaces xmlns="${IF}"><interface><name>vt0</name><description/></interface><interface><name>vt1</name><enabled/></interface></interfaces>`);
      assert.equal(d, `<interfaces xmlns="${IF}"><interface><name>vt0</name><description>d0</description></interface><interface><name>vt1</name><enabled>false</enabled></interface></interfaces>`);
      const whole = await cand(`<interfaces xmlns="${IF}"><interface/></interfaces>`);
      assert.equal(await cand(`<interfaces xmlns="${IF}"><interface><name>vt0</name><description/></interface><interface/></interfaces>`), whole);
    });

    it('a list entry in which the selection node selects nothing is left out; a key-only filter still lists every entry (RFC 6241 6.2.5, 6.4.4)', async () => {
      const d = await cand(`<interfaces xmlns="${IF}"><interface><enabled/></interface></interfaces>`);
      assert.equal(d, `<interfaces xmlns="${IF}"><interface><name>vt1</name><enabled>false</enabled></interface></interfaces>`);
      // running: vt0 and vt2 hold enabled as a default leaf, which the reply (explicit mode) does not report
      const run = (filter: string, wd = '') => c.rpc(getConfig('running', filter, wd && `<with-defaults xmlns="${WD}">${wd}</with-defaults>`));
      assert.equal(dataOf(await run(`<interfaces xmlns="${IF}"><interface><enabled/></interface></interfaces>`)), d);
      const all = dataOf(await run(`<interfaces xmlns="${IF}"><interface><enabled/></interface></interfaces>`, 'report-all'));
      assert.equal([...all.matchAll(/<enabled>/g)].length, 3, 'report-all: the default leaves exist');
      // a content match on a default leaf: it exists in report-all only
      assert.equal(dataOf(await run(`<interfaces xmlns="${IF}"><interface><enabled>true</enabled><name/></interface></interfaces>`)), '');
      assert.match(dataOf(await run(`<interfaces xmlns="${IF}"><interface><enabled>true</enabled><name/></interface></interfaces>`, 'report-all')), /<name>vt0<\/name><enabled>true<\/enabled><\/interface><interface><name>vt2<\/name>/);
      const none = await cand(`<interfaces xmlns="${IF}"><interface><description/></interface></interfaces>`);
      assert.equal(none, `<interfaces xmlns="${IF}"><interface><name>vt0</name><description>d0</description></interface></interfaces>`);
      const keys = await cand(`<interfaces xmlns="${IF}"><interface><name/></interface></interfaces>`);
      assert.equal(keys, `<interfaces xmlns="${IF}"><interface><name>vt0</name></interface><interface><name>vt1</name></interface><interface><name>vt2</name></interface></interfaces>`);
      // a content match node is part of the output even where the selection node beside it selects nothing
      const cm = await cand(`<interfaces xmlns="${IF}"><interface><name>vt2</name><description/></interface></interfaces>`);
      assert.equal(cm, `<interfaces xmlns="${IF}"><interface><name>vt2</name></interface></interfaces>`);
      // a container whose selection nodes select nothing is left out too
      assert.equal(await cand(`<system xmlns="${SYS}"><hostname/></system>`), '');
    });

    it('a content match on an identityref leaf, with any prefix bound to the identity module, or its module name', async () => {
      const names = (d: string) => [...d.matchAll(/<name>([^<]*)<\/name>/g)].map((m) => m[1]);
      const d = await cand(`<interfaces xmlns="${IF}" xmlns:t="${IANA}"><interface><type>t:tunnel</type><name/></interface></interfaces>`);
      assert.deepEqual(names(d), ['vt0', 'vt1']);
      assert.match(d, /<type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:tunnel<\/type>/);
      const onType = await cand(`<interfaces xmlns="${IF}"><interface><type xmlns:x="${IANA}">x:ethernetCsmacd</type></interface></interfaces>`);
      assert.deepEqual(names(onType), ['vt2']);
      assert.deepEqual(names(await cand(`<interfaces xmlns="${IF}"><interface><type>iana-if-type:tunnel</type><name/></interface></interfaces>`)), ['vt0', 'vt1']);
      // a prefix bound to another namespace, or an identity that does not exist: nothing
      assert.equal(await cand(`<interfaces xmlns="${IF}"><interface><type xmlns:x="${IF}">x:tunnel</type></interface></interfaces>`), '');
      assert.equal(await cand(`<interfaces xmlns="${IF}"><interface><type xmlns:x="${IANA}">x:nonesuch</type></interface></interfaces>`), '');
    });
  });

  describe('xpath filter', () => {
    const xp = (sel: string, src = 'running') =>
      c.rpc(`<get-config><source><${src}/></source><filter type="xpath" xmlns:cos="${COS}" select="${sel}"/></get-config>`);

    it('selects by predicate, with ancestors and keys', async () => {
      const d = dataOf(await xp("/cos:class-of-service/cos:forwarding-classes/cos:class[cos:dscp=46]/cos:queue-num"));
      assert.equal(d, `<class-of-service xmlns="${COS}"><forwarding-classes><class><name>ef</name><queue-num>5</queue-num></class></forwarding-classes></class-of-service>`);
    });

    it('a union and a candidate source', async () => {
      const d = dataOf(await xp("/cos:class-of-service/cos:forwarding-classes/cos:class[cos:name='cand-only'] | /cos:class-of-service/cos:forwarding-classes/cos:class[cos:name='be']", 'candidate'));
      assert.match(d, /cand-only/);
      assert.match(d, /<name>be<\/name>/);
      assert.doesNotMatch(d, /<name>ef<\/name>/);
    });

    it('an expression that is not a node-set is invalid-value (bad-attribute select), on get-config and get (RFC 6241 8.9)', async () => {
      for (const sel of ['1+1', 'true()', "concat('a','b')", 'count(/cos:class-of-service)']) {
        const e = errorOf(await xp(sel));
        assert.equal(e.tag, 'invalid-value', sel);
        assert.equal(e.type, 'protocol');
        assert.equal(e.info['bad-attribute'], 'select');
        assert.equal(e.info['bad-element'], 'filter');
      }
      const g = errorOf(await c.rpc('<get><filter type="xpath" select="1 = 1"/></get>'));
      assert.equal(g.tag, 'invalid-value');
      assert.equal(g.info['bad-attribute'], 'select');
      // a node-set that happens to be empty is not an error
      assert.equal(dataOf(await xp("/cos:class-of-service/cos:forwarding-classes/cos:class[cos:name='nope']")), '');
    });

    it('an undeclared prefix or a syntax error is invalid-value; missing select is missing-attribute', async () => {
      const e = errorOf(await xp('/zz:class-of-service'));
      assert.equal(e.tag, 'invalid-value');
      const e2 = errorOf(await xp('/cos:class-of-service[['));
      assert.equal(e2.tag, 'invalid-value');
      const e3 = errorOf(await c.rpc('<get-config><source><running/></source><filter type="xpath"/></get-config>'));
      assert.equal(e3.tag, 'missing-attribute');
      assert.equal(e3.info['bad-attribute'], 'select');
    });
  });

  describe('with-defaults', () => {
    const wd = (mode: string) =>
      c.rpc(getConfig('running', `<access xmlns="${ACC}"/>`, `<with-defaults xmlns="${WD}">${mode}</with-defaults>`));

    it('explicit (the basic mode): only what was set', async () => {
      const d = dataOf(await wd('explicit'));
      assert.match(d, /<radius-disconnect-port>3799<\/radius-disconnect-port>/);
      assert.doesNotMatch(d, /radius-accounting-port/);
      // no with-defaults parameter: the same
      assert.equal(dataOf(await c.rpc(getConfig('running', `<access xmlns="${ACC}"/>`))), d);
    });

    it('report-all: defaults included', async () => {
      const d = dataOf(await wd('report-all'));
      assert.match(d, /<radius-accounting-port>1813<\/radius-accounting-port>/);
      assert.match(d, /<radius-disconnect-port>3799<\/radius-disconnect-port>/);
    });

    it('report-all-tagged: defaults tagged with wd:default="true"', async () => {
      const d = dataOf(await wd('report-all-tagged'));
      assert.match(d, /<radius-accounting-port [^>]*:default="true"[^>]*>1813</);
      assert.match(d, /xmlns:[a-z]+="urn:ietf:params:xml:ns:netconf:default:1.0"/);
    });

    it('trim: values equal to the default are left out, explicit or not', async () => {
      const d = dataOf(await wd('trim'));
      assert.doesNotMatch(d, /radius-disconnect-port|radius-accounting-port/);
    });

    it('an unknown mode is invalid-value', async () => {
      assert.equal(errorOf(await wd('everything')).tag, 'invalid-value');
    });

    // running: radius-disconnect-port set explicitly to 3799 (its default), radius-accounting-port
    // a default node (1813)
    const xpathWd = async (sel: string, mode: string, src = 'running') =>
      dataOf(await c.rpc(`<get-config><source><${src}/></source><filter type="xpath" xmlns:a="${ACC}" select="${sel}"/><with-defaults xmlns="${WD}">${mode}</with-defaults></get-config>`));
    const subtreeWd = async (filter: string, mode: string) => dataOf(await c.rpc(getConfig('running', `<access xmlns="${ACC}">${filter}</access>`, `<with-defaults xmlns="${WD}">${mode}</with-defaults>`)));
    const MODES = ['explicit', 'trim', 'report-all', 'report-all-tagged'];

    it('an XPath filter reports defaults as a subtree filter does, in every mode', async () => {
      const pairs: [string, string][] = [
        ['/a:access', ''],
        ['/a:access/a:radius-accounting-port', '<radius-accounting-port/>'],
        ['/a:access/a:radius-disconnect-port', '<radius-disconnect-port/>'],
        ['/a:access/a:radius-accounting-port | /a:access/a:radius-disconnect-port', '<radius-accounting-port/><radius-disconnect-port/>'],
      ];
      for (const mode of MODES) {
        for (const [sel, filter] of pairs) assert.equal(await xpathWd(sel, mode), await subtreeWd(filter, mode), `${mode}: ${sel}`);
      }
      // a default leaf selected where the mode does not report it: nothing, not an empty <access/>
      assert.equal(await xpathWd('/a:access/a:radius-accounting-port', 'explicit'), '');
      assert.equal(await xpathWd('/a:access/a:radius-disconnect-port', 'trim'), '');
      assert.equal(await xpathWd('/a:access/a:radius-accounting-port', 'report-all'), `<access xmlns="${ACC}"><radius-accounting-port>1813</radius-accounting-port></access>`);
      assert.match(await xpathWd('/a:access/a:radius-accounting-port', 'report-all-tagged'), /<radius-accounting-port [^>]*:default="true"[^>]*>1813</);
      // the stored tree is not changed by the view the filter was evaluated on, nor by one that failed there
      const e = errorOf(await c.rpc(`<get-config><source><running/></source><filter type="xpath" xmlns:a="${ACC}" select="count(/a:access/*)"/></get-config>`));
      assert.equal(e.info['bad-attribute'], 'select');
      assert.match(await xpathWd('/a:access', 'report-all'), /<radius-accounting-port>1813</);
      assert.equal(await xpathWd('/a:access', 'explicit'), await subtreeWd('', 'explicit'));
    });

    it('XPath predicates see a default node only in the modes that report it (report-all, report-all-tagged), as content match nodes do', async () => {
      const hits = async (sel: string, mode: string) => (await xpathWd(sel, mode)) !== '';
      const cm = async (filter: string, mode: string) => (await subtreeWd(filter, mode)) !== '';
      for (const mode of MODES) {
        const all = mode.startsWith('report-all');
        // only the default node holds 1813
        assert.equal(await hits('/a:access[a:radius-accounting-port=1813]', mode), all, mode);
        assert.equal(await cm('<radius-accounting-port>1813</radius-accounting-port>', mode), all, mode);
        assert.equal(await hits('/a:access[not(a:radius-accounting-port)]', mode), !all, mode);
        // the explicit 3799 is not reported in trim
        assert.equal(await hits('/a:access[a:radius-disconnect-port=3799]', mode), mode !== 'trim', mode);
        assert.equal(await cm('<radius-disconnect-port>3799</radius-disconnect-port>', mode), mode !== 'trim', mode);
      }
    });
  });

  it('a large reply (written in pieces) is whole and identical over base:1.1 and base:1.0', async () => {
    const n = 6000;
    const descr = (i: number) => `interface ${i}: é€😀 & <x>`;
    const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const ifs = Array.from(
      { length: n },
      (_x, i) => `<interface><name>big${i}</name><description>${esc(descr(i))}</description><type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:ethernetCsmacd</type></interface>`,
    );
    assertOk(await c.rpc(editConfig('candidate', `<interfaces xmlns="${IF}">${ifs.join('')}</interfaces>`)));
    try {
      const filter = `<interfaces xmlns="${IF}"/>`;
      const r11 = await c.rpc(getConfig('candidate', filter));
      assert.ok(Buffer.byteLength(r11) > 256 * 1024, 'several pieces');
      const got = [...dataOf(r11).matchAll(/<description>([^<]*)<\/description>/g)].map((m) => m[1]);
      assert.deepEqual(got, Array.from({ length: n }, (_x, i) => esc(descr(i))));
      assert.equal(parseReply(r11).children[0].children[0].children.length, n);
      const c10 = await NetconfClient.connect({ port: h.port, username: 'admin', password: 'pw', base: '1.0' });
      try {
        assert.equal(c10.base, '1.0');
        const r10 = await c10.rpc(getConfig('candidate', filter));
        assert.equal(dataOf(r10), dataOf(r11));
        // unfiltered: the same entries
        assert.ok(dataOf(await c10.rpc(getConfig('candidate'))).includes(dataOf(r11)));
      } finally {
        c10.destroy();
      }
    } finally {
      assertOk(await c.rpc('<discard-changes/>'));
      assertOk(await c.rpc(editConfig('candidate', cos(klass('cand-only', 2)))));
    }
  });

  it('a reply of several megabytes is made a part at a time: while its client reads slowly, other sessions commit; the reply is running as it was asked, and notifications wait for its end', async () => {
    assertOk(await c.rpc('<discard-changes/>')); // the candidate-only class stays out of running
    // 6,000 interfaces of about 1.2 KB: a reply three times the SSH window and its queue
    const n = 6000;
    const iface = (i: number, d: string) =>
      `<interface><name>big${i}</name><description>${d}${i} ${'x'.repeat(1100)}</description><type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:ethernetCsmacd</type></interface>`;
    assertOk(await c.rpc(editConfig('candidate', `<interfaces xmlns="${IF}">${Array.from({ length: n }, (_x, i) => iface(i, 'before')).join('')}</interfaces>`)));
    assertOk(await c.rpc('<commit/>'));
    const filter = `<interfaces xmlns="${IF}"/>`;
    const before = dataOf(await c.rpc(getConfig('running', filter)));
    assert.ok(before.length > 6_000_000);

    const a = await openNetconf(h.port, '1.1', { username: 'admin', password: 'pw' });
    try {
      a.s.send(rpc(1, `<create-subscription xmlns="${NOTIF}"/>`));
      assert.match((await a.s.next())!, /<ok\/>/);
      // the client stops reading: the agent sends what the window lets it, queues a part more, then waits
      a.s.channel.pause();
      a.s.send(rpc(2, getConfig('running', filter)));
      await sleep(300);
      // meanwhile: commits that change every entry the reply has not reached yet (each replaces
      // running; the tree the reply reads would be the next edit's copy if it were not held)
      for (const word of ['during', 'after']) {
        assertOk(await c.rpc(editConfig('candidate', `<interfaces xmlns="${IF}">${Array.from({ length: n }, (_x, i) => iface(i, word)).join('')}</interfaces>`)));
        assertOk(await c.rpc('<commit/>'));
      }
      a.s.channel.resume();
      const reply = (await a.s.next(30000))!;
      assert.match(reply, /^<rpc-reply [^>]*message-id="2"/);
      assert.ok(dataOf(reply) === before, 'the reply is running as it was when asked, whole');
      // the two commits' notifications come after the reply, each whole
      for (let i = 0; i < 2; i++) assert.match((await a.s.next(10000))!, /^<notification [^>]*>.*<netconf-config-change /s);
      assert.match(dataOf(await c.rpc(getConfig('running', filter))), /<description>after0 /);
    } finally {
      a.client.end();
      assertOk(await c.rpc(editConfig('candidate', `<interfaces xmlns="${IF}" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="remove"/>`)));
      assertOk(await c.rpc('<commit/>'));
      assertOk(await c.rpc(editConfig('candidate', cos(klass('cand-only', 2)))));
    }
  });
});
