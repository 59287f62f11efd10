/**
 * netconf-config-change of a big commit (RFC 6470: fewer, coarser edits
 * allowed): one edit per parent with many changed children, only where
 * read access below that parent is the same for every user, so NACM
 * filtering per receiver gives each the edit exactly when it could read
 * the changes it stands for.
 */
import assert from 'node:assert/strict';
import { loadContext } from '../../src/yang/context';
import { IMPLEMENTED_MODULES, searchPath } from '../../src/daemon/modules';
import { factoryConfig } from '../../src/daemon/factory';
import { parseXml, validate, diff } from '../../src/yang/data';
import type { SchemaContext } from '../../src/yang/schema';
import { configChangeEvent, COARSE_EDITS_FROM } from '../../src/daemon/events';
import type { ChangeSet } from '../../src/datastore';

const COS = 'urn:flowtapd:yang:class-of-service';
const NACM = 'urn:ietf:params:xml:ns:yang:ietf-netconf-acm';

function tree(ctx: SchemaContext, xml: string) {
  const t = parseXml(ctx, xml, { type: 'config', unwrap: true });
  assert.deepEqual(validate(ctx, t, { type: 'config' }), []);
  return t;
}

function classes(n: number, from = 0): string {
  return `<class-of-service xmlns="${COS}"><forwarding-classes>${Array.from({ length: n }, (_x, i) => `<class><name>c${from + i}</name><queue-num>${i % 8}</queue-num></class>`).join('')}</forwarding-classes></class-of-service>`;
}

function edits(ev: Record<string, unknown>): { target: string; operation: string }[] {
  return (ev['ietf-netconf-notifications:netconf-config-change'] as { edit: { target: string; operation: string }[] }).edit;
}

describe('netconf-config-change: coarse edits for big commits', function () {
  this.timeout(60000);
  let ctx: SchemaContext;
  let factory: string;
  before(() => {
    ctx = loadContext(IMPLEMENTED_MODULES, { searchPath: searchPath() });
    factory = factoryConfig({ user: 'admin', password: 'pw' });
  });

  const withCos = (base: string, cos: string, extra = ''): string => base.replace('</config>', `${cos}${extra}</config>`);

  function changeSet(beforeXml: string, afterXml: string): ChangeSet {
    const before = tree(ctx, beforeXml);
    const after = tree(ctx, afterXml);
    return { before, after, changes: diff(before, after), origin: { kind: 'netconf' } };
  }

  it('up to the threshold every change is its own edit', () => {
    const cs = changeSet(factory, withCos(factory, classes(COARSE_EDITS_FROM)));
    assert.equal(cs.changes.length, COARSE_EDITS_FROM);
    assert.equal(edits(configChangeEvent(cs, undefined, ctx)).length, COARSE_EDITS_FROM);
  });

  it('beyond it, the entries of one list become one edit of their parent (factory NACM: LI rules elsewhere)', () => {
    const cs = changeSet(withCos(factory, classes(3)), withCos(factory, classes(COARSE_EDITS_FROM + 5, 1)));
    const e = edits(configChangeEvent(cs, undefined, ctx));
    // c0 deleted and c4.. created: one edit of their parent; c1, c2 and c3 kept, their queue-num changed: edits of their own
    assert.deepEqual(e[0], { target: '/flowtapd-class-of-service:class-of-service/forwarding-classes', operation: 'replace' });
    assert.deepEqual(
      e.slice(1).map((x) => x.target),
      cs.changes.filter((c) => c.path.endsWith('/queue-num')).map((c) => c.path),
    );
    // without the context (or below the threshold) nothing is coarsened
    assert.equal(edits(configChangeEvent(cs, undefined)).length, cs.changes.length);
  });

  it('a read rule selecting something below the parent keeps every edit (per receiver filtering stays exact)', () => {
    const rule = `<nacm xmlns="${NACM}"><rule-list><name>zz</name><group>*</group><rule><name>hide-one</name><module-name>*</module-name><path xmlns:c="${COS}">/c:class-of-service/c:forwarding-classes/c:class[c:name='c7']</path><access-operations>read</access-operations><action>deny</action></rule></rule-list></nacm>`;
    const base = factory.replace(/<nacm [\s\S]*<\/nacm>/, (m) => m.replace('</nacm>', '') + rule.replace(/^<nacm[^>]*>/, ''));
    assert.notEqual(base, factory);
    const cs = changeSet(withCos(base, classes(3)), withCos(base, classes(COARSE_EDITS_FROM + 5, 1)));
    assert.equal(edits(configChangeEvent(cs, undefined, ctx)).length, cs.changes.length);
  });
});
