/**
 * Hand-built schemas and data trees for the XPath tests (no YANG compiler
 * needed): modules `ex` (prefix ex) and `aug` (prefix au).
 */
import { DataNode } from '../../src/yang/data/node';
import type { Identity, Module, NodeKind, SchemaContext, SchemaNode, YangType } from '../../src/yang/schema';
import { xpath } from '../../src/yang/xpath';
import { emptyModule, newNode } from '../../src/yang/compile';
import type { XPathValue } from '../../src/yang/xpath/api';

export function mkModule(name: string, prefix: string): Module {
  const m: Module = { ...emptyModule(name, `${name}.yang`), namespace: `urn:test:${name}`, prefix, yangVersion: '1.1', implemented: true };
  m.imports.set(prefix, m);
  return m;
}

export function mkType(module: Module, base: YangType['base'], extra: Partial<YangType> = {}): YangType {
  return { name: base, base, module, patterns: [], requireInstance: true, ...extra };
}

export function sn(
  kind: NodeKind,
  name: string,
  module: Module,
  children: SchemaNode[] = [],
  extra: Partial<SchemaNode> = {},
): SchemaNode {
  const n: SchemaNode = { ...newNode(kind, name, module, null, { file: `${module.name}.yang`, line: 1, col: 1 }), children, ...extra };
  for (const c of children) c.parent = n;
  const add = (list: SchemaNode[]): void => {
    for (const c of list) {
      if (c.kind === 'choice' || c.kind === 'case') add(c.children);
      else n.dataChildren.set(`${c.module.name}:${c.name}`, c);
    }
  };
  add(children);
  return n;
}

export function mkContext(modules: Module[], top: SchemaNode[]): SchemaContext {
  const root = sn('root', '', modules[0], top);
  for (const t of top) t.parent = root;
  for (const t of top) t.module.data.push(t);
  return {
    modules: new Map(modules.map((m) => [m.name, m])),
    byNamespace: new Map(modules.map((m) => [m.namespace, m])),
    root,
    moduleSetId: 'test',
  };
}

export function identity(module: Module, name: string, bases: Identity[] = []): Identity {
  const id: Identity = { name, module, bases, derived: new Set(), enabled: true, status: 'current' };
  const mark = (b: Identity): void => {
    b.derived.add(id);
    b.bases.forEach(mark);
  };
  bases.forEach(mark);
  module.identities.set(name, id);
  return id;
}

/** a data node; children given as an array, a leaf's value as a string */
export function dn(schema: SchemaNode, content: string | DataNode[] = []): DataNode {
  if (typeof content === 'string') return new DataNode(schema, content);
  const n = new DataNode(schema);
  n.children = content;
  for (const c of content) c.parent = n;
  return n;
}

/** find a schema node by a path of names, crossing choice/case */
export function child(n: SchemaNode, name: string): SchemaNode {
  const stack = [...n.children];
  while (stack.length) {
    const c = stack.shift()!;
    if (c.name === name) return c;
    if (c.kind === 'choice' || c.kind === 'case') stack.push(...c.children);
  }
  throw new Error(`no schema child ${name} under ${n.name}`);
}

export function resolverFor(...mods: Module[]) {
  return (prefix: string | null): string | undefined => {
    if (prefix === null) return mods[0].name;
    for (const m of mods) if (m.prefix === prefix) return m.name;
    return undefined;
  };
}

/** path of names from the root to a node, for readable assertions */
export function label(n: DataNode): string {
  const parts: string[] = [];
  for (let x: DataNode | null = n; x && x.schema.kind !== 'root'; x = x.parent) {
    const key = x.schema.keys.length
      ? `[${x.schema.keys.map((k) => x!.children.find((c) => c.schema === k)?.value).join(',')}]`
      : x.value !== null
        ? `=${x.value}`
        : '';
    parts.unshift(x.schema.name + key);
  }
  return '/' + parts.join('/');
}

export function labels(v: XPathValue): string[] {
  if (!Array.isArray(v)) throw new Error(`expected a node-set, got ${typeof v} ${String(v)}`);
  return v.map(label);
}

export { xpath };

/** the shared fixture: schema of modules ex + aug and one data tree */
export function fixture() {
  const ex = mkModule('ex', 'ex');
  const au = mkModule('aug', 'au');
  ex.imports.set('au', au);
  au.imports.set('ex', ex);
  const baseIf = identity(ex, 'base-if');
  const eth = identity(ex, 'eth', [baseIf]);
  const fastEth = identity(ex, 'fast-eth', [eth]);
  const tunnel = identity(ex, 'tunnel', [baseIf]);
  const vlan = identity(au, 'vlan', [eth]);
  const resolve = resolverFor(ex, au);

  const leaf = (name: string, type: YangType, m = ex) => sn('leaf', name, m, [], { type });
  const str = mkType(ex, 'string');
  const id = leaf('id', str);
  const refType = mkType(ex, 'leafref', { path: xpath.compile('../../item/id', resolve) });
  const item = sn(
    'list',
    'item',
    ex,
    [
      id,
      leaf('val', mkType(ex, 'int32')),
      leaf('kind', mkType(ex, 'identityref', { bases: [baseIf] })),
      leaf('color', mkType(ex, 'enumeration', { enums: [{ name: 'red', value: 1 }, { name: 'green', value: 5 }, { name: 'blue', value: 7 }] })),
      leaf('flags', mkType(ex, 'bits', { bits: [{ name: 'a', position: 0 }, { name: 'b', position: 1 }, { name: 'c', position: 2 }] })),
      leaf('ref', refType),
    ],
    { keys: [] },
  );
  item.keys = [id];
  const top = sn('container', 'top', ex, [
    leaf('name', str),
    item,
    sn('choice', 'mode', ex, [sn('case', 'a', ex, [leaf('a1', str)]), sn('case', 'b', ex, [leaf('b1', str)])]),
    sn('leaf-list', 'tag', ex, [], { type: str }),
    sn('container', 'sub', ex, [leaf('x', str), sn('leaf-list', 'y', ex, [], { type: mkType(ex, 'int32') })]),
    leaf('extra', str, au),
    leaf('target', mkType(ex, 'instance-identifier')),
  ]);
  const itemref = leaf('itemref', mkType(ex, 'leafref', { path: xpath.compile('/ex:top/ex:item/ex:id', resolve) }));
  const other = sn('container', 'other', ex, [itemref]);
  const auTop = sn('container', 'top', au, [leaf('name', str, au)]);
  const ctx = mkContext([ex, au], [top, other, auTop]);
  refType.target = id;
  itemref.type!.target = id;

  const S = (path: string): SchemaNode => {
    let n = ctx.root;
    for (const p of path.split('/').filter(Boolean)) {
      if (p.includes(':')) {
        const [m, name] = p.split(':');
        n = n.dataChildren.get(`${m}:${name}`)!;
      } else n = child(n, p);
    }
    return n;
  };
  const L = (path: string, v: string) => dn(S(path), v);
  const itemNode = (path: string, idv: string, rest: [string, string][]) =>
    dn(S(path), [dn(S(path + '/id'), idv), ...rest.map(([k, v]) => dn(S(`${path}/${k}`), v))]);
  const I = '/ex:top/item';
  const tree = dn(ctx.root, [
    dn(S('/ex:top'), [
      L('/ex:top/name', 'hello'),
      itemNode(I, 'a', [['val', '1'], ['kind', 'ex:eth'], ['color', 'red'], ['flags', 'a c'], ['ref', 'b']]),
      itemNode(I, 'b', [['val', '2'], ['kind', 'ex:fast-eth'], ['color', 'green'], ['ref', 'a']]),
      itemNode(I, 'c', [['val', '10'], ['kind', 'ex:tunnel'], ['color', 'blue'], ['flags', '']]),
      L('/ex:top/b1', 'bee'),
      L('/ex:top/tag', 'x'),
      L('/ex:top/tag', 'y'),
      L('/ex:top/tag', 'z'),
      dn(S('/ex:top/sub'), [L('/ex:top/sub/x', '  sp  ace '), L('/ex:top/sub/y', '1'), L('/ex:top/sub/y', '2')]),
      dn(S('/ex:top/aug:extra'), 'e'),
      L('/ex:top/target', "/ex:top/item[id='b']/val"),
    ]),
    dn(S('/ex:other'), [L('/ex:other/itemref', 'c')]),
    dn(S('/aug:top'), [dn(S('/aug:top/name'), 'au-name')]),
  ]);
  const idents = { baseIf, eth, fastEth, tunnel, vlan };
  return { ex, au, ctx, tree, S, resolve, idents };
}
