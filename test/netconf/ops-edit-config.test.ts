import assert from 'node:assert/strict';
import type { NetconfClient } from '../../src/netconf/client';
import { unknownParam, startAgent, Harness, assertOk, errorOf, errorsOf, dataOf, editConfig, getConfig, cos, klass, classNames, COS, NACM, NC, ACC, SYS } from './agent-harness';

const YANG = 'urn:ietf:params:xml:ns:yang:1';

describe('netconf ops: edit-config (RFC 6241 7.2)', function () {
  this.timeout(30000);
  let h: Harness;
  let c: NetconfClient;
  before(async () => {
    h = await startAgent();
    c = await h.connect();
  });
  after(() => h.stop());
  beforeEach(async () => {
    // start every test from an empty class-of-service in running and candidate
    await c.rpc('<discard-changes/>');
    const names = await classNames(c);
    if (names.length) {
      assertOk(await c.rpc(editConfig('candidate', `<class-of-service xmlns="${COS}" xmlns:nc="${NC}" nc:operation="remove"/>`)));
      assertOk(await c.rpc('<commit/>'));
    }
  });

  const candidateClasses = () => classNames(c, 'candidate');
  const classXml = async (name: string, src = 'candidate') =>
    dataOf(await c.rpc(getConfig(src, cos(`<class><name>${name}</name></class>`))));

  it('merge creates, then merges leaves into an existing entry', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos(klass('be', 0)))));
    assertOk(await c.rpc(editConfig('candidate', cos(klass('be', undefined, 10)))));
    const x = await classXml('be');
    assert.match(x, /<queue-num>0<\/queue-num>/);
    assert.match(x, /<dscp>10<\/dscp>/);
    assert.deepEqual(await classNames(c), [], 'running untouched before commit');
  });

  it('replace replaces the entry as a whole', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos(klass('be', 1, 10)))));
    assertOk(await c.rpc(editConfig('candidate', cos(klass('be', undefined, 12, ` xmlns:nc="${NC}" nc:operation="replace"`)))));
    const x = await classXml('be');
    assert.doesNotMatch(x, /queue-num/);
    assert.match(x, /<dscp>12<\/dscp>/);
  });

  it('create fails with data-exists when the entry exists; delete fails with data-missing when it does not', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos(klass('ef', 5)))));
    const e1 = errorOf(await c.rpc(editConfig('candidate', cos(klass('ef', 5, undefined, ` xmlns:nc="${NC}" nc:operation="create"`)))));
    assert.equal(e1.tag, 'data-exists');
    assert.equal(e1.type, 'application');
    assert.equal(e1.severity, 'error');
    assert.match(e1.path ?? '', /class-of-service.*forwarding-classes.*class\[.*name='ef'\]/);
    const e2 = errorOf(await c.rpc(editConfig('candidate', cos(`<class xmlns:nc="${NC}" nc:operation="delete"><name>nope</name></class>`))));
    assert.equal(e2.tag, 'data-missing');
    assert.equal(e2.type, 'application');
    assert.match(e2.path ?? '', /class\[.*name='nope'\]/);
  });

  it('delete removes an entry; remove of a missing entry is silently ok', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos(klass('a', 1) + klass('b', 2)))));
    assertOk(await c.rpc(editConfig('candidate', cos(`<class xmlns:nc="${NC}" nc:operation="delete"><name>a</name></class>`))));
    assert.deepEqual(await candidateClasses(), ['b']);
    assertOk(await c.rpc(editConfig('candidate', cos(`<class xmlns:nc="${NC}" nc:operation="remove"><name>zz</name></class>`))));
    assertOk(await c.rpc(editConfig('candidate', cos(`<class><name>b</name><queue-num xmlns:nc="${NC}" nc:operation="remove"/></class>`))));
    assert.doesNotMatch(await classXml('b'), /queue-num/);
  });

  it('default-operation none: nothing is created by selection nodes alone; replace: the whole datastore is replaced', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos(klass('a', 1) + klass('b', 2)))));
    // none: only the explicit merge on queue-num of b applies
    assertOk(
      await c.rpc(
        editConfig('candidate', cos(`<class><name>a</name><queue-num>1</queue-num></class><class><name>b</name><queue-num xmlns:nc="${NC}" nc:operation="merge">7</queue-num></class>`), '<default-operation>none</default-operation>'),
      ),
    );
    assert.deepEqual(await candidateClasses(), ['a', 'b']);
    assert.match(await classXml('b'), /<queue-num>7<\/queue-num>/);
    // none with a delete of a missing node: data-missing
    assert.equal(
      errorOf(await c.rpc(editConfig('candidate', cos(`<class xmlns:nc="${NC}" nc:operation="delete"><name>c</name></class>`), '<default-operation>none</default-operation>'))).tag,
      'data-missing',
    );
    // replace: class-of-service becomes exactly the given content, and other top-level containers go too
    assertOk(await c.rpc(editConfig('candidate', cos(klass('z', 3)), '<default-operation>replace</default-operation>')));
    assert.deepEqual(await candidateClasses(), ['z']);
    const all = dataOf(await c.rpc(getConfig('candidate')));
    assert.doesNotMatch(all, /<nacm /, 'default-operation replace replaced the whole datastore');
    assertOk(await c.rpc('<discard-changes/>'));
  });

  it('default-operation none: data with no corresponding level in the target is data-missing, with its path (RFC 6241 7.2)', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos(klass('a', 1)))));
    const none = '<default-operation>none</default-operation>';
    const missing = async (config: string, path: string): Promise<void> => {
      const e = errorOf(await c.rpc(editConfig('candidate', config, none)));
      assert.equal(e.tag, 'data-missing');
      assert.equal(e.type, 'application');
      assert.equal(e.path, path);
    };
    // a list entry that does not exist, selected with nothing below it to create
    await missing(cos(klass('c')), `/ftcos:class-of-service/ftcos:forwarding-classes/ftcos:class[ftcos:name='c']`);
    // a leaf that is not set in an entry that exists
    await missing(cos(klass('a', undefined, 5)), `/ftcos:class-of-service/ftcos:forwarding-classes/ftcos:class[ftcos:name='a']/ftcos:dscp`);
    // the audit's case: a leaf of ietf-system that is not set
    await missing(`<system xmlns="${SYS}"><contact>x</contact></system>`, '/sys:system/sys:contact');
    // with the missing level before a merge in the same request, nothing of it is applied (stop-on-error)
    await missing(cos(klass('c') + klass('a', 2)), `/ftcos:class-of-service/ftcos:forwarding-classes/ftcos:class[ftcos:name='c']`);
    assert.deepEqual(await candidateClasses(), ['a']);
    assert.match(await classXml('a'), /<queue-num>1<\/queue-num>/);
    // what exists can be selected, a non-presence container with nothing set in it included,
    // and a level below which something is created is made for it
    assertOk(await c.rpc(editConfig('candidate', `<system xmlns="${SYS}"/>`, none)));
    assertOk(await c.rpc(editConfig('candidate', cos(klass('a', 1)), none)));
    assertOk(await c.rpc(editConfig('candidate', cos(`<class><name>d</name><queue-num xmlns:nc="${NC}" nc:operation="create">3</queue-num></class>`), none)));
    assert.deepEqual(await candidateClasses(), ['a', 'd']);
    assertOk(await c.rpc('<discard-changes/>'));
  });

  it('test-option test-only validates and changes nothing; set skips validation of the candidate', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos(klass('a', 1)), '<test-option>test-only</test-option>')));
    assert.deepEqual(await candidateClasses(), []);
    // a unique violation (two classes with the same dscp) is found by test-only
    assertOk(await c.rpc(editConfig('candidate', cos(klass('x', 1, 10)))));
    const e = errorOf(await c.rpc(editConfig('candidate', cos(klass('y', 1, 10)), '<test-option>test-only</test-option>')));
    assert.equal(e.appTag, 'data-not-unique');
    assert.deepEqual(await candidateClasses(), ['x']);
    // test-option set (and the default test-then-set) on the candidate accept it; commit refuses it
    assertOk(await c.rpc(editConfig('candidate', cos(klass('y', 1, 10)), '<test-option>set</test-option>')));
    assert.deepEqual(await candidateClasses(), ['x', 'y']);
    assert.equal(errorOf(await c.rpc('<commit/>')).appTag, 'data-not-unique');
    // on running, test-then-set validates before writing
    assertOk(await c.rpc('<discard-changes/>'));
    const e2 = errorsOf(await c.rpc(editConfig('running', cos(klass('p', 1, 20) + klass('q', 2, 20)))));
    assert.equal(e2[0].appTag, 'data-not-unique');
    assert.deepEqual(await classNames(c), []);
  });

  it('error-option stop-on-error stops at the first error; continue-on-error applies the rest; rollback-on-error applies nothing', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos(klass('a', 1)))));
    const bad = (extra: string) =>
      editConfig('candidate', cos(`${klass('a', 2, undefined, ` xmlns:nc="${NC}" nc:operation="create"`)}${klass('b', 3)}`), extra);
    // stop-on-error (default): nothing applied
    assert.equal(errorOf(await c.rpc(bad(''))).tag, 'data-exists');
    assert.deepEqual(await candidateClasses(), ['a']);
    // rollback-on-error: nothing applied
    assert.equal(errorOf(await c.rpc(bad('<error-option>rollback-on-error</error-option>'))).tag, 'data-exists');
    assert.deepEqual(await candidateClasses(), ['a']);
    // continue-on-error: the error is reported and b is created
    assert.equal(errorOf(await c.rpc(bad('<error-option>continue-on-error</error-option>'))).tag, 'data-exists');
    assert.deepEqual(await candidateClasses(), ['a', 'b']);
    assert.match(await classXml('a'), /<queue-num>1<\/queue-num>/);
    // rollback-on-error on running: nothing of a failed edit reaches running
    assertOk(await c.rpc('<discard-changes/>'));
    assertOk(await c.rpc(editConfig('running', cos(klass('r', 1)))));
    assert.equal(
      errorOf(await c.rpc(editConfig('running', cos(`${klass('s', 2)}${klass('r', 2, undefined, ` xmlns:nc="${NC}" nc:operation="create"`)}`), '<error-option>rollback-on-error</error-option>'))).tag,
      'data-exists',
    );
    assert.deepEqual(await classNames(c), ['r']);
  });

  it('error-option continue-on-error goes on past bad values: one rpc-error each (error-path, bad-element), the rest applied; stop-on-error and rollback-on-error: the first error, nothing applied', async () => {
    // queue-num of a out of range (uint8 0..7), dscp of b no inet:dscp; a's dscp and b's queue-num good
    const content = cos(`<class><name>a</name><queue-num>8</queue-num><dscp>10</dscp></class><class><name>b</name><queue-num>3</queue-num><dscp>64</dscp></class>`);
    for (const option of ['', '<error-option>stop-on-error</error-option>', '<error-option>rollback-on-error</error-option>']) {
      const e = errorOf(await c.rpc(editConfig('candidate', content, option)));
      assert.deepEqual([e.tag, e.info['bad-element']], ['invalid-value', 'queue-num'], option);
      assert.match(e.path ?? '', /class\[.*name='a'\]\/.*queue-num$/);
      assert.deepEqual(await candidateClasses(), [], option);
    }
    const reply = await c.rpc(editConfig('candidate', content, '<error-option>continue-on-error</error-option>'));
    assert.doesNotMatch(reply, /<ok\/>/);
    const errs = errorsOf(reply);
    assert.deepEqual(
      errs.map((e) => [e.type, e.tag, e.info['bad-element']]),
      [
        ['application', 'invalid-value', 'queue-num'],
        ['application', 'invalid-value', 'dscp'],
      ],
    );
    assert.match(errs[0].path ?? '', /class\[.*name='a'\]\/.*queue-num$/);
    assert.match(errs[1].path ?? '', /class\[.*name='b'\]\/.*dscp$/);
    assert.deepEqual(await candidateClasses(), ['a', 'b']);
    const a = await classXml('a');
    assert.match(a, /<dscp>10<\/dscp>/);
    assert.doesNotMatch(a, /queue-num/);
    const b = await classXml('b');
    assert.match(b, /<queue-num>3<\/queue-num>/);
    assert.doesNotMatch(b, /dscp/);
    assert.deepEqual(await classNames(c), [], 'running untouched');
  });

  it('continue-on-error: value errors and errors of applying the edit come in document order; a bad key leaves out its entry', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos(klass('a', 1)))));
    const create = ` xmlns:nc="${NC}" nc:operation="create"`;
    // all on one line: b's bad dscp, then a created again (data-exists), then a bad key, then c's bad queue-num
    const content = cos(`${klass('b', 2, 64)}${klass('a', 2, undefined, create)}<class><name>9bad</name><queue-num>1</queue-num></class>${klass('c', 9)}${klass('d', 4)}`);
    const errs = errorsOf(await c.rpc(editConfig('candidate', content, '<error-option>continue-on-error</error-option>')));
    assert.deepEqual(
      errs.map((e) => [e.tag, e.info['bad-element'], (e.path ?? '').replace(/^.*class\[[^:]*:name='([^']*)'\].*$/, '$1')]),
      [
        ['invalid-value', 'dscp', 'b'],
        ['data-exists', undefined, 'a'],
        ['invalid-value', 'name', ''], // error-path .../class[name='']/name: the key value is the bad one
        ['invalid-value', 'queue-num', 'c'],
      ],
    );
    assert.deepEqual(await candidateClasses(), ['a', 'b', 'c', 'd']);
    assert.match(await classXml('a'), /<queue-num>1<\/queue-num>/);
  });

  it('continue-on-error goes on past bad attributes too (unknown nc: attribute, wd:default not a boolean, on a key): the node is left out, its error in document order', async () => {
    const WDA = 'urn:ietf:params:xml:ns:netconf:default:1.0';
    const content = cos(
      `${klass('p', 2, 64)}` + // p's bad dscp (a value error of the parser)
        `<class><name>q</name><queue-num xmlns:nc="${NC}" nc:foo="1">3</queue-num><dscp>12</dscp></class>` + // q's queue-num: unknown-attribute
        `<class><name xmlns:wd="${WDA}" wd:default="maybe">r</name><queue-num>1</queue-num></class>` + // on r's key: r left out
        `${klass('s', 5)}`,
    );
    for (const option of ['', '<error-option>rollback-on-error</error-option>']) {
      const e = errorOf(await c.rpc(editConfig('candidate', content, option)));
      assert.equal(e.tag, 'invalid-value', option);
      assert.deepEqual(await candidateClasses(), [], option);
    }
    const errs = errorsOf(await c.rpc(editConfig('candidate', content, '<error-option>continue-on-error</error-option>')));
    assert.deepEqual(
      errs.map((e) => [e.tag, e.info['bad-attribute'], e.info['bad-element']]),
      [
        ['invalid-value', undefined, 'dscp'],
        ['unknown-attribute', 'foo', 'queue-num'],
        ['bad-attribute', 'default', 'name'],
      ],
    );
    assert.deepEqual(await candidateClasses(), ['p', 'q', 's']);
    const q = await classXml('q');
    assert.match(q, /<dscp>12<\/dscp>/);
    assert.doesNotMatch(q, /queue-num/);
  });

  it('continue-on-error on running with test-then-set: the partial edit is validated, and written when valid', async () => {
    assertOk(await c.rpc(editConfig('running', cos(klass('x', 1, 10)))));
    // the good part (y with x's dscp) breaks unique: nothing is written, all errors reported
    const e1 = errorsOf(await c.rpc(editConfig('running', cos(`${klass('y', 2, 10)}<class><name>z</name><queue-num>99</queue-num></class>`), '<error-option>continue-on-error</error-option>')));
    assert.deepEqual(e1.map((e) => e.tag), ['invalid-value', 'operation-failed']);
    assert.equal(e1[0].info['bad-element'], 'queue-num');
    assert.equal(e1[1].appTag, 'data-not-unique');
    assert.deepEqual(await classNames(c), ['x']);
    // valid once the bad value is left out: written, and the error still reported
    const e2 = errorOf(await c.rpc(editConfig('running', cos(`${klass('y', 2, 11)}<class><name>z</name><queue-num>99</queue-num></class>`), '<error-option>continue-on-error</error-option>')));
    assert.equal(e2.info['bad-element'], 'queue-num');
    assert.deepEqual(await classNames(c), ['x', 'y', 'z']);
  });

  it('continue-on-error with a replace (default-operation or operation="replace") and a bad value: nothing applied, the value errors reported (the replace would delete what was left out)', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos(klass('a', 1, 10) + klass('b', 2, 20)))));
    const coe = '<error-option>continue-on-error</error-option>';
    const bad = cos(`${klass('a', 9, 10)}${klass('b', 3, 20)}`);
    for (const [content, option] of [
      [bad, `<default-operation>replace</default-operation>${coe}`],
      [cos(`<class xmlns:nc="${NC}" nc:operation="replace"><name>a</name><queue-num>9</queue-num><dscp>12</dscp></class>`), coe],
    ]) {
      const errs = errorsOf(await c.rpc(editConfig('candidate', content, option)));
      assert.deepEqual(errs.map((e) => [e.tag, e.info['bad-element']]), [['invalid-value', 'queue-num']]);
      assert.deepEqual(await candidateClasses(), ['a', 'b']);
      assert.match(await classXml('a'), /<queue-num>1<\/queue-num><dscp>10<\/dscp>/);
    }
    // a merge beside it goes on as before
    errorsOf(await c.rpc(editConfig('candidate', bad, coe)));
    assert.match(await classXml('b'), /<queue-num>3<\/queue-num>/);
  });

  it('edit-config on running commits durably and the candidate follows', async () => {
    assertOk(await c.rpc(editConfig('running', cos(klass('direct', 4)))));
    assert.deepEqual(await classNames(c), ['direct']);
    assert.deepEqual(await candidateClasses(), ['direct']);
    const fs = await import('node:fs');
    assert.match(fs.readFileSync(`${h.dir}/running.xml`, 'utf8'), /<name>direct<\/name>/);
  });

  it('edit-config on running is refused while the candidate has uncommitted changes; startup is not a target', async () => {
    assertOk(await c.rpc(editConfig('candidate', cos(klass('pending', 1)))));
    assert.equal(errorOf(await c.rpc(editConfig('running', cos(klass('direct', 4))))).tag, 'in-use');
    const e = errorOf(await c.rpc(editConfig('startup', cos(klass('s', 1)))));
    assert.equal(e.tag, 'operation-not-supported');
  });

  it('an unknown parameter, beside <target> or in it, is unknown-element and changes nothing; one given twice is bad-element (App. A)', async () => {
    unknownParam(await c.rpc(editConfig('candidate', cos(klass('frob', 1)), '<frob/>')), 'frob');
    unknownParam(await c.rpc(`<edit-config><target><candidate/><frob/></target><config>${cos(klass('frob', 1))}</config></edit-config>`), 'frob');
    const e3 = errorOf(await c.rpc(editConfig('candidate', cos(klass('frob', 1)), '<error-option>stop-on-error</error-option><error-option>rollback-on-error</error-option>')));
    assert.deepEqual([e3.type, e3.tag, e3.info['bad-element']], ['protocol', 'bad-element', 'error-option']);
    assert.deepEqual(await candidateClasses(), []);
    assertOk(await c.rpc(editConfig('candidate', cos(klass('frob', 1)), '<default-operation>merge</default-operation><test-option>set</test-option><error-option>rollback-on-error</error-option>')));
    assert.deepEqual(await candidateClasses(), ['frob']);
  });

  it('an unknown attribute of the base namespace on config data is unknown-attribute (App. A) and changes nothing', async () => {
    const e = errorOf(await c.rpc(editConfig('candidate', cos(klass('a', 1, undefined, ` xmlns:nc="${NC}" nc:foo="bar"`)))));
    assert.deepEqual([e.type, e.tag], ['application', 'unknown-attribute']);
    assert.deepEqual(e.info, { 'bad-attribute': 'foo', 'bad-element': 'class' });
    assert.deepEqual(await candidateClasses(), []);
    // nc:operation is the attribute of the namespace
    assertOk(await c.rpc(editConfig('candidate', cos(klass('a', 1, undefined, ` xmlns:nc="${NC}" nc:operation="merge"`)))));
    assert.deepEqual(await candidateClasses(), ['a']);
  });

  it('bad operation attribute, bad default-operation, missing <config>', async () => {
    const e1 = errorOf(await c.rpc(editConfig('candidate', cos(klass('a', 1, undefined, ` xmlns:nc="${NC}" nc:operation="frobnicate"`)))));
    assert.equal(e1.tag, 'bad-attribute');
    assert.equal(e1.type, 'protocol');
    assert.equal(e1.info['bad-attribute'], 'operation');
    const e2 = errorOf(await c.rpc(editConfig('candidate', cos(klass('a', 1)), '<default-operation>delete</default-operation>')));
    assert.equal(e2.tag, 'invalid-value');
    const e3 = errorOf(await c.rpc('<edit-config><target><candidate/></target></edit-config>'));
    assert.equal(e3.tag, 'missing-element');
    assert.equal(e3.info['bad-element'], 'config');
  });

  it('a leaf with a default: delete of the default value is data-missing, merge makes it explicit', async () => {
    const e = errorOf(await c.rpc(editConfig('candidate', `<access xmlns="${ACC}"><radius-disconnect-port xmlns:nc="${NC}" nc:operation="delete"/></access>`)));
    assert.equal(e.tag, 'data-missing');
    assertOk(await c.rpc(editConfig('candidate', `<access xmlns="${ACC}"><radius-disconnect-port>3799</radius-disconnect-port></access>`)));
    assert.match(dataOf(await c.rpc(getConfig('candidate', `<access xmlns="${ACC}"/>`))), /<radius-disconnect-port>3799<\/radius-disconnect-port>/);
    assertOk(await c.rpc('<discard-changes/>'));
  });

  describe('ordered-by user (nacm rule-list) insert', () => {
    const ruleLists = async () =>
      [...dataOf(await c.rpc(getConfig('candidate', `<nacm xmlns="${NACM}"><rule-list><name/></rule-list></nacm>`))).matchAll(/<rule-list><name>([^<]*)<\/name>/g)].map((m) => m[1]);
    const rl = (name: string, attrs = '') =>
      editConfig('candidate', `<nacm xmlns="${NACM}" xmlns:yang="${YANG}"><rule-list${attrs}><name>${name}</name><group>admin</group></rule-list></nacm>`);

    it('first, last, before and after', async () => {
      assertOk(await c.rpc('<discard-changes/>'));
      const base = await ruleLists();
      assert.deepEqual(base.slice(0, 3), ['admin', 'flow-tap-control', 'flow-tap']);
      const rest = base.slice(3); // factory rule-lists after these
      assertOk(await c.rpc(rl('l1', ' yang:insert="last"')));
      assertOk(await c.rpc(rl('f1', ' yang:insert="first"')));
      assertOk(await c.rpc(rl('b1', ` yang:insert="before" yang:key="[name='flow-tap']"`)));
      assertOk(await c.rpc(rl('a1', ` yang:insert="after" yang:key="[name='admin']"`)));
      assert.deepEqual(await ruleLists(), ['f1', 'admin', 'a1', 'flow-tap-control', 'b1', 'flow-tap', ...rest, 'l1']);
      // move an existing entry
      assertOk(await c.rpc(rl('l1', ' yang:insert="first"')));
      assertOk(await c.rpc(rl('f1', ' yang:insert="last"')));
      assert.deepEqual(await ruleLists(), ['l1', 'admin', 'a1', 'flow-tap-control', 'b1', 'flow-tap', ...rest, 'f1']);
      // the order survives a commit and is what running returns
      assertOk(await c.rpc('<commit/>'));
      const running = [...dataOf(await c.rpc(getConfig('running', `<nacm xmlns="${NACM}"><rule-list><name/></rule-list></nacm>`))).matchAll(/<rule-list><name>([^<]*)<\/name>/g)].map((m) => m[1]);
      assert.deepEqual(running, ['l1', 'admin', 'a1', 'flow-tap-control', 'b1', 'flow-tap', ...rest, 'f1']);
    });

    it('replace honours insert first, last, before and after (RFC 7950 7.8.6), for list and leaf-list entries', async () => {
      assertOk(await c.rpc('<discard-changes/>'));
      const base = await ruleLists();
      for (const n of ['x', 'y', 'z']) assertOk(await c.rpc(rl(n)));
      assert.deepEqual(await ruleLists(), [...base, 'x', 'y', 'z']);
      const replace = (name: string, insert: string, group = 'admin') => rl(name, ` xmlns:nc="${NC}" nc:operation="replace" yang:insert="${insert}`).replace('<group>admin</group>', `<group>${group}</group>`);
      const entry = async (name: string) => dataOf(await c.rpc(getConfig('candidate', `<nacm xmlns="${NACM}"><rule-list><name>${name}</name></rule-list></nacm>`)));
      // an existing entry is replaced (its content is the new one) and moved
      assertOk(await c.rpc(replace('y', 'first"', 'g1')));
      assert.deepEqual(await ruleLists(), ['y', ...base, 'x', 'z']);
      assert.match(await entry('y'), /<group>g1<\/group>/);
      assert.doesNotMatch(await entry('y'), /<group>admin<\/group>/, 'replaced, not merged');
      assertOk(await c.rpc(replace('y', 'last"')));
      assert.deepEqual(await ruleLists(), [...base, 'x', 'z', 'y']);
      assertOk(await c.rpc(replace('y', `before" yang:key="[name='x']"`)));
      assert.deepEqual(await ruleLists(), [...base, 'y', 'x', 'z']);
      assertOk(await c.rpc(replace('x', `after" yang:key="[name='z']"`)));
      assert.deepEqual(await ruleLists(), [...base, 'y', 'z', 'x']);
      // a missing entry is created where insert says, as create and merge do
      assertOk(await c.rpc(replace('r1', `after" yang:key="[name='y']"`)));
      assert.deepEqual(await ruleLists(), [...base, 'y', 'r1', 'z', 'x']);
      // a missing anchor is still data-missing
      assert.equal(errorOf(await c.rpc(replace('x', `before" yang:key="[name='ghost']"`))).tag, 'data-missing');
      assertOk(await c.rpc('<discard-changes/>'));

      // an ordered-by user leaf-list: ietf-system's DNS search domains
      const search = (v: string, attrs = '') => editConfig('candidate', `<system xmlns="${SYS}" xmlns:yang="${YANG}" xmlns:nc="${NC}"><dns-resolver><search${attrs}>${v}</search></dns-resolver></system>`);
      const domains = async () => [...dataOf(await c.rpc(getConfig('candidate', `<system xmlns="${SYS}"><dns-resolver><search/></dns-resolver></system>`))).matchAll(/<search>([^<]*)<\/search>/g)].map((m) => m[1]);
      for (const v of ['a.example', 'b.example', 'c.example']) assertOk(await c.rpc(search(v)));
      assert.deepEqual(await domains(), ['a.example', 'b.example', 'c.example']);
      assertOk(await c.rpc(search('c.example', ' nc:operation="replace" yang:insert="first"')));
      assert.deepEqual(await domains(), ['c.example', 'a.example', 'b.example']);
      assertOk(await c.rpc(search('c.example', ' nc:operation="replace" yang:insert="last"')));
      assert.deepEqual(await domains(), ['a.example', 'b.example', 'c.example']);
      assertOk(await c.rpc(search('c.example', ' nc:operation="replace" yang:insert="before" yang:value="a.example"')));
      assert.deepEqual(await domains(), ['c.example', 'a.example', 'b.example']);
      assertOk(await c.rpc(search('c.example', ' nc:operation="replace" yang:insert="after" yang:value="a.example"')));
      assert.deepEqual(await domains(), ['a.example', 'c.example', 'b.example']);
      assertOk(await c.rpc('<discard-changes/>'));
    });

    it('before a missing entry is data-missing; before without a key is missing-attribute', async () => {
      const e = errorOf(await c.rpc(rl('x1', ` yang:insert="before" yang:key="[name='ghost']"`)));
      assert.equal(e.tag, 'data-missing');
      assert.equal(e.appTag, 'missing-instance');
      const e2 = errorOf(await c.rpc(rl('x2', ' yang:insert="after"')));
      assert.equal(e2.tag, 'missing-attribute');
      assert.equal(e2.info['bad-attribute'], 'key');
    });
  });
});
