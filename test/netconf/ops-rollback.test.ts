import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startAgent, Harness, assertOk, errorOf, editConfig, cos, klass, classNames, FTSYS, dataOf, COS, NC } from './agent-harness';

describe('netconf ops: rollback N (flowtapd-system, Junos rollback)', function () {
  this.timeout(30000);
  let h: Harness;
  before(async () => {
    h = await startAgent();
  });
  after(() => h.stop());

  it('rollback 1 loads the previous committed configuration into the candidate', async () => {
    const c = await h.connect();
    assertOk(await c.rpc(editConfig('running', cos(klass('one', 1)))));
    assertOk(await c.rpc(editConfig('running', cos(klass('two', 2)))));
    assert.deepEqual(await classNames(c), ['one', 'two']);
    assertOk(await c.rpc(`<rollback xmlns="${FTSYS}"><index>1</index></rollback>`));
    assert.deepEqual(await classNames(c, 'candidate'), ['one']);
    assert.deepEqual(await classNames(c), ['one', 'two'], 'running untouched until commit');
    assertOk(await c.rpc('<commit/>'));
    assert.deepEqual(await classNames(c), ['one']);
    // rollback 0 is the active configuration
    assertOk(await c.rpc(`<rollback xmlns="${FTSYS}"><index>0</index></rollback>`));
    assert.deepEqual(await classNames(c, 'candidate'), ['one']);
    // the history is listed as state
    const hist = dataOf(await c.rpc(`<get><filter type="subtree"><configuration-history xmlns="${FTSYS}"/></filter></get>`));
    assert.ok([...hist.matchAll(/<commit><index>/g)].length >= 4, hist);
  });

  it('an index beyond the history is invalid-value; out of the model range is refused by the engine', async () => {
    const c = await h.connect();
    assert.equal(errorOf(await c.rpc(`<rollback xmlns="${FTSYS}"><index>40</index></rollback>`)).tag, 'invalid-value');
    assert.equal(errorOf(await c.rpc(`<rollback xmlns="${FTSYS}"><index>77</index></rollback>`)).tag, 'invalid-value');
    assert.equal(errorOf(await c.rpc(`<rollback xmlns="${FTSYS}"/>`)).tag, 'missing-element');
  });

  it('keeps at most 50 configurations', async () => {
    const c = await h.connect();
    assertOk(await c.rpc('<discard-changes/>'));
    for (let i = 0; i < 55; i++) assertOk(await c.rpc(editConfig('running', cos(klass(`h${i}`, i % 8)))));
    assert.equal(fs.readdirSync(`${h.dir}/rollback`).filter((f) => f.endsWith('.xml')).length, 50);
    assertOk(await c.rpc(`<rollback xmlns="${FTSYS}"><index>49</index></rollback>`));
    // h54 is index 0, so index 49 holds h0..h5
    const names = await classNames(c, 'candidate');
    assert.ok(names.includes('h5') && !names.includes('h6'), names.join(','));
  });

  it('writes the next running.xml over the entry it pruned last, cut to the new length', async () => {
    const c = await h.connect();
    assertOk(await c.rpc('<discard-changes/>'));
    const spare = path.join(h.dir, '.running.xml.spare');
    // a full history leaves the entry pruned last aside
    for (let i = 0; i < 52 && !fs.existsSync(spare); i++) assertOk(await c.rpc(editConfig('running', cos(klass(`s${i}`, i % 8)))));
    const { ino, size } = fs.statSync(spare);
    // one class instead of many: a text shorter than the spare's
    const one = `<class-of-service xmlns="${COS}"><forwarding-classes xmlns:nc="${NC}" nc:operation="replace">${klass('only', 1)}</forwarding-classes></class-of-service>`;
    assertOk(await c.rpc(editConfig('running', one)));
    const file = path.join(h.dir, 'running.xml');
    const st = fs.statSync(file);
    assert.equal(st.ino, ino, 'running.xml is the spare written over, not a new file');
    assert.equal(st.mode & 0o777, 0o600);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.length < size, `${text.length} < ${size}`);
    assert.equal(text.indexOf('</config>'), text.length - '</config>\n'.length, 'nothing of the longer old text is left');
    assert.deepEqual(await classNames(c), ['only']);
    assert.ok(fs.existsSync(spare), 'the entry this commit pruned is the next spare');
  });

  it('an edit of running refused by validation writes nothing: running.xml and the spare stay as they were', async () => {
    const c = await h.connect();
    assertOk(await c.rpc('<discard-changes/>'));
    const spare = path.join(h.dir, '.running.xml.spare');
    for (let i = 0; i < 52 && !fs.existsSync(spare); i++) assertOk(await c.rpc(editConfig('running', cos(klass(`v${i}`, i % 8)))));
    const before = { spare: fs.statSync(spare), running: fs.statSync(path.join(h.dir, 'running.xml')), text: fs.readFileSync(path.join(h.dir, 'running.xml'), 'utf8') };
    const names = fs.readdirSync(h.dir).sort();
    // two classes with one DSCP: refused by the list's unique statement, at validation
    const twice = cos(`<class><name>d1</name><dscp>10</dscp></class><class><name>d2</name><dscp>10</dscp></class>`);
    const e = errorOf(await c.rpc(editConfig('running', twice)));
    assert.equal(e.tag, 'operation-failed');
    assert.equal(e.appTag, 'data-not-unique');
    const spareNow = fs.statSync(spare);
    assert.equal(spareNow.ino, before.spare.ino, 'the spare was not taken');
    assert.equal(spareNow.mtimeMs, before.spare.mtimeMs, 'nor written');
    const running = fs.statSync(path.join(h.dir, 'running.xml'));
    assert.equal(running.ino, before.running.ino);
    assert.equal(fs.readFileSync(path.join(h.dir, 'running.xml'), 'utf8'), before.text);
    assert.deepEqual(fs.readdirSync(h.dir).sort(), names, 'no staged file left behind');
  });
});
