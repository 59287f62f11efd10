import { strict as assert } from 'assert';
import { AgentError } from '../../src/errors';
import * as d from '../../src/yang/data';
import * as path from 'path';
import { loadContext } from '../../src/yang/context';
import { dtContext, flowtapdContext, top } from './fixtures/data/context';

const ctx = dtContext();

function check(xml: string, type: 'config' | 'data' = 'config', opts: { autoDeleteWhen?: boolean } = {}): { root: d.DataNode; errors: AgentError[] } {
  const root = d.parseXml(ctx, xml, { type });
  return { root, errors: d.validate(ctx, root, { type, ...opts }) };
}

function one(xml: string, type: 'config' | 'data' = 'config'): AgentError {
  const { errors } = check(xml, type);
  assert.equal(errors.length, 1, errors.map((e) => `${e.tag} ${e.path} ${e.message}`).join('\n'));
  return errors[0];
}

function leaf(root: d.DataNode, name: string): d.DataNode | undefined {
  return d.findChildByName(root.children[0], 'dt', name);
}

describe('yang/data validate: defaults', () => {
  it('adds leaf defaults (dflt) and the default case; a case with data gets its own defaults', () => {
    const { root, errors } = check(top(''));
    assert.deepEqual(errors, []);
    assert.equal(leaf(root, 'mtu')!.value, '1500');
    assert.equal(leaf(root, 'mtu')!.dflt, true);
    assert.equal(leaf(root, 'tcp-port')!.value, '80');
    assert.equal(leaf(root, 'udp-mode'), undefined);
    const r2 = check(top('<udp-port>53</udp-port>')).root;
    assert.equal(leaf(r2, 'tcp-port'), undefined);
    assert.equal(leaf(r2, 'udp-mode')!.value, 'fast');
  });

  it('leaves defaults out under a false when, adds them under a true one', () => {
    const a = check(top('')).root;
    assert.equal(leaf(a, 'full-opts'), undefined);
    const b = check(top('<mode>full</mode>')).root;
    const fo = leaf(b, 'full-opts')!;
    assert.equal(fo.dflt, true);
    assert.equal(fo.children[0].value, '3');
  });

  it('an explicit value replaces nothing and is not marked default', () => {
    const { root } = check(top('<mtu>1500</mtu>'));
    assert.equal(leaf(root, 'mtu')!.dflt, false);
    assert.equal(d.instances(root.children[0], leaf(root, 'mtu')!.schema).length, 1);
  });
});

describe('yang/data validate: errors', () => {
  it('a valid document has no errors', () => {
    assert.deepEqual(check(top('<item><id>a</id><port>1</port></item><ref>a</ref><limit>10</limit><positive>1</positive>')).errors, []);
  });

  it('missing mandatory choice: data-missing / missing-choice at the parent', () => {
    const e = one(top('', '<tags>a</tags>'));
    assert.equal(e.tag, 'data-missing');
    assert.equal(e.appTag, 'missing-choice');
    assert.equal(e.path, '/dt:top');
    assert.deepEqual(e.info, { 'missing-choice': 'proto' });
  });

  it('missing mandatory leaf: data-missing with the leaf path', () => {
    const e = one(top('<need/>'));
    assert.equal(e.tag, 'data-missing');
    assert.equal(e.path, '/dt:top/dt:need/dt:inner');
    assert.deepEqual(e.pathNs, { dt: 'urn:test:dt' });
  });

  it('min-elements and max-elements', () => {
    const e = one(top('', '<v4/>'));
    assert.equal(e.tag, 'operation-failed');
    assert.equal(e.appTag, 'too-few-elements');
    assert.equal(e.path, '/dt:top/dt:tags');
    const items = ['a', 'b', 'c', 'd'].map((k) => `<item><id>${k}</id></item>`).join('');
    const m = one(top(items));
    assert.equal(m.appTag, 'too-many-elements');
    assert.equal(m.path, "/dt:top/dt:item[dt:id='d']");
  });

  it('unique: operation-failed / data-not-unique with the non-unique leaves', () => {
    const e = one(top('<item><id>a</id><port>7</port></item><item><id>b</id><port>7</port></item><item><id>c</id></item>'));
    assert.equal(e.tag, 'operation-failed');
    assert.equal(e.appTag, 'data-not-unique');
    assert.equal(e.path, "/dt:top/dt:item[dt:id='b']");
    assert.equal(e.info!['non-unique'], "/dt:top/dt:item[dt:id='b']/dt:port");
  });

  it('leafref and instance-identifier require-instance: data-missing / instance-required', () => {
    const e = one(top('<item><id>a</id></item><ref>b</ref>'));
    assert.equal(e.tag, 'data-missing');
    assert.equal(e.appTag, 'instance-required');
    assert.equal(e.path, '/dt:top/dt:ref');
    const ok = check(top(`<item><id>a</id></item><ptr xmlns:p="urn:test:dt">/p:top/p:item[p:id='a']</ptr>`));
    assert.deepEqual(ok.errors, []);
    const bad = one(top(`<item><id>a</id></item><ptr xmlns:p="urn:test:dt">/p:top/p:item[p:id='z']</ptr>`));
    assert.equal(bad.appTag, 'instance-required');
    assert.equal(bad.path, '/dt:top/dt:ptr');
  });

  it('must: error-message and error-app-tag, else must-violation', () => {
    const e = one(top('<limit>11</limit>'));
    assert.equal(e.tag, 'operation-failed');
    assert.equal(e.appTag, 'limit-app');
    assert.equal(e.message, 'limit too high');
    assert.equal(e.path, '/dt:top/dt:limit');
    const f = one(top('<positive>0</positive>'));
    assert.equal(f.appTag, 'must-violation');
    assert.match(f.message, /Must condition/);
  });

  it('when false on an explicit node is an error; autoDeleteWhen deletes it instead', () => {
    const e = one(top('<extra>x</extra>'));
    assert.equal(e.path, '/dt:top/dt:extra');
    assert.match(e.message, /When condition/);
    const { root, errors } = check(top('<extra>x</extra>'), 'config', { autoDeleteWhen: true });
    assert.deepEqual(errors, []);
    assert.equal(leaf(root, 'extra'), undefined);
    assert.deepEqual(check(top('<mode>full</mode><extra>x</extra>')).errors, []);
  });

  it("a node's own when is evaluated on a dummy of it: no value, no children (RFC 7950 7.21.5)", () => {
    const ws = loadContext([path.join(__dirname, 'fixtures', 'data', 'when-self.yang')], { searchPath: [] });
    const errs = (body: string): string[] =>
      d.validate(ws, d.parseXml(ws, `<top xmlns="urn:test:when-self">${body}</top>`, { type: 'config' }), { type: 'config' }).map((e) => `${e.path} ${e.appTag}`);
    // ". = 'x'" is false on the dummy, whatever the value
    assert.deepEqual(errs('<self-value>x</self-value>'), ['/ws:top/ws:self-value when-violation']);
    // the dummy has no value: string-length(.) is 0 for any value
    assert.deepEqual(errs('<mode>on</mode><self-empty>xyz</self-empty>'), []);
    assert.deepEqual(errs('<mode>off</mode><self-empty>xyz</self-empty>'), ['/ws:top/ws:self-empty when-violation']);
    // nor children: count(*) is 0 for a box with an item
    assert.deepEqual(errs('<box><item>a</item></box>'), []);
  });

  it('data in two cases of one choice is an error', () => {
    const e = one(top('<v6/>'));
    assert.equal(e.tag, 'bad-element');
    assert.equal(e.path, '/dt:top/dt:v6');
  });

  it('state data in a configuration tree is an error', () => {
    const root = d.parseXml(ctx, top('') + '<state xmlns="urn:test:dt"><counter>1</counter></state>', { type: 'data' });
    const errs = d.validate(ctx, root, { type: 'config' });
    assert.equal(errs.length, 1);
    assert.equal(errs[0].path, '/dt:state');
    assert.deepEqual(d.validate(ctx, root, { type: 'data' }), []);
  });

  it('reports every error, not just the first', () => {
    const { errors } = check(top('<limit>11</limit><positive>0</positive><ref>zz</ref><extra>e</extra>', ''));
    const tags = errors.map((e) => e.appTag ?? e.tag).sort();
    assert.deepEqual(tags, ['instance-required', 'limit-app', 'missing-choice', 'must-violation', 'too-few-elements', 'when-violation']);
  });

  it('validates a 10,000-entry list in well under 500 ms', () => {
    const items: string[] = [];
    for (let i = 0; i < 3; i++) items.push(`<item><id>i${i}</id><port>${i}</port></item>`);
    const seq: string[] = [];
    for (let i = 0; i < 10_000; i++) seq.push(`<seq><n>s${i}</n></seq>`);
    const root = d.parseXml(ctx, top(items.join('') + seq.join('')), { type: 'config' });
    let best = Infinity;
    for (let r = 0; r < 3; r++) {
      const c = d.clone(root);
      const t0 = process.hrtime.bigint();
      const errs = d.validate(ctx, c, { type: 'config' });
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
      assert.deepEqual(errs, []);
    }
    assert.ok(best < 500, `${best.toFixed(0)} ms`);
  });
});

describe('yang/data validate: flowtapd modules with ietf-interfaces', () => {
  const fctx = flowtapdContext();
  const IF = 'urn:ietf:params:xml:ns:yang:ietf-interfaces';
  const ifs = `<interfaces xmlns="${IF}" xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type"><interface><name>vt0</name><type>ianaift:tunnel</type></interface></interfaces>`;

  it('accepts a pool of tunnel interfaces and fills defaults', () => {
    const root = d.parseXml(
      fctx,
      ifs +
        '<services xmlns="urn:flowtapd:yang:services"><flow-tap/><radius-flow-tap><interfaces>vt0</interfaces>' +
        '<source-ipv4-address>192.0.2.1</source-ipv4-address><policy><name>p1</name></policy></radius-flow-tap></services>',
      { type: 'config' },
    );
    assert.deepEqual(d.validate(fctx, root, { type: 'config' }), []);
    assert.match(d.toXml(root), /<maximum-sessions>2048<\/maximum-sessions>/);
    assert.match(d.toXml(root), /<enabled>true<\/enabled>/);
  });

  it('names the error with the module prefix (fts); a pool member that is not configured is no error (require-instance false)', () => {
    const root = d.parseXml(
      fctx,
      '<services xmlns="urn:flowtapd:yang:services"><flow-tap/><radius-flow-tap><interfaces>vt9</interfaces></radius-flow-tap></services>',
      { type: 'config' },
    );
    // pool members without a source address: the must of radius-flow-tap
    const errs = d.validate(fctx, root, { type: 'config' });
    assert.equal(errs.length, 1, errs.map((e) => e.message).join('; '));
    assert.equal(errs[0].path, '/fts:services/fts:radius-flow-tap');
    assert.equal(errs[0].pathNs!.fts, 'urn:flowtapd:yang:services');
    // vt9 is not among the configured interfaces: the LI configuration does not constrain them
    const ok = d.parseXml(
      fctx,
      '<services xmlns="urn:flowtapd:yang:services"><flow-tap/><radius-flow-tap><interfaces>vt9</interfaces>' +
        '<source-ipv4-address>192.0.2.1</source-ipv4-address></radius-flow-tap></services>',
      { type: 'config' },
    );
    assert.deepEqual(d.validate(fctx, ok, { type: 'config' }), []);
  });

  it('radius-flow-tap without flow-tap: its default container goes, explicit content is an error', () => {
    const empty = d.parseXml(fctx, '<services xmlns="urn:flowtapd:yang:services"/>', { type: 'config' });
    assert.deepEqual(d.validate(fctx, empty, { type: 'config' }), []);
    assert.doesNotMatch(d.toXml(empty), /radius-flow-tap/);
    const bad = d.parseXml(fctx, '<services xmlns="urn:flowtapd:yang:services"><radius-flow-tap><maximum-sessions>5</maximum-sessions></radius-flow-tap></services>', {
      type: 'config',
    });
    const errs = d.validate(fctx, bad, { type: 'config' });
    assert.equal(errs.length, 1);
    assert.equal(errs[0].path, '/fts:services/fts:radius-flow-tap');
  });
});

describe('yang/data validate: constraints deep in list entries', () => {
  // the walks skip subtrees whose schema needs nothing: what is below entries still counts
  const deep = loadContext([path.join(__dirname, 'fixtures', 'data', 'deep.yang')], { searchPath: [] });
  const plain = Array.from({ length: 50 }, (_, i) => `<plain><name>p${i}</name><v>${i % 200}</v></plain>`).join('');
  const doc = (opts: string, mode = 'simple') =>
    `<top xmlns="urn:test:deep"><mode>${mode}</mode>${plain}<entry><name>a</name><opts/></entry><entry><name>b</name><opts>${opts}</opts></entry></top>`;
  const run = (xml: string) => {
    // parsed as data: the parser itself refuses state data in a configuration
    const root = d.parseXml(deep, xml, { type: 'data' });
    return { root, errors: d.validate(deep, root, { type: 'config' }) };
  };
  const only = (xml: string) => {
    const { errors } = run(xml);
    assert.equal(errors.length, 1, errors.map((e) => `${e.tag} ${e.path} ${e.message}`).join('\n'));
    return errors[0];
  };

  it('a valid document: no errors, defaults added in every entry', () => {
    const { root, errors } = run(doc('<ref>p7</ref><limit>10</limit><fast/>', 'full'));
    assert.deepEqual(errors, []);
    const entries = root.children[0].children.filter((c) => c.schema.name === 'entry');
    for (const e of entries) {
      const depth = d.findChildByName(d.findChildByName(e, 'deep', 'opts')!, 'deep', 'depth')!;
      assert.equal(depth.value, '3');
      assert.equal(depth.dflt, true);
    }
  });

  it('leafref, must, state data and a choice\'s when are each found below an entry', () => {
    assert.equal(only(doc('<ref>nope</ref>')).appTag, 'instance-required');
    assert.equal(only(doc('<limit>11</limit>')).appTag, 'must-violation');
    assert.equal(only(doc('<seen>1</seen>')).tag, 'invalid-value');
    const w = only(doc('<fast/>'));
    assert.equal(w.appTag, 'when-violation');
    assert.match(w.path ?? '', /entry\[dp:name='b'\]\/dp:opts\/dp:fast/);
  });
});
