/** Hand-built Module / Identity / SchemaNode / Statement objects for the type-system tests. */
import type { Identity, Module, NodeKind, SchemaNode, SourceLoc, Statement, YangType } from '../../src/yang/schema';
import { types } from '../../src/yang/types';
import { emptyModule, newNode } from '../../src/yang/compile';
import type { TypeScope } from '../../src/yang/types/api';

export function mkModule(name: string, prefix = name, yangVersion: '1' | '1.1' = '1.1'): Module {
  const m: Module = { ...emptyModule(name, `${name}.yang`), namespace: `urn:test:${name}`, prefix, yangVersion, implemented: true };
  m.imports.set(prefix, m);
  return m;
}

export function mkIdentity(mod: Module, name: string, bases: Identity[] = [], enabled = true): Identity {
  const id: Identity = { name, module: mod, bases, derived: new Set(), enabled, status: 'current' };
  const up = (b: Identity): void => {
    b.derived.add(id);
    b.bases.forEach(up);
  };
  bases.forEach(up);
  mod.identities.set(name, id);
  return id;
}

let line = 0;
export function loc(): SourceLoc {
  return { file: 'test.yang', line: ++line, col: 3 };
}

/** st('type', 'uint8', st('range', '1..10')) */
export function st(keyword: string, arg: string | null, ...subs: Statement[]): Statement {
  return { keyword, arg, subs, loc: loc() };
}

export function mkScope(mod: Module, extra: Partial<TypeScope> = {}): TypeScope {
  const scope: TypeScope = {
    module: mod,
    resolveIdentity(name, l) {
      const [p, n] = name.includes(':') ? name.split(':') : [mod.prefix, name];
      const m = mod.imports.get(p);
      const id = m?.identities.get(n);
      if (!id) throw new Error(`test scope: no identity ${name} at ${l.line}`);
      return id;
    },
    compileXPath(text) {
      return { text, ast: null };
    },
    resolveType(s) {
      return derived(mod, s, scope);
    },
    ...extra,
  };
  return scope;
}

/** builtin + derive in one step (a `type` statement on a builtin). */
export function derived(mod: Module, stmt: Statement, scope: TypeScope = mkScope(mod)): YangType {
  const b = types.builtin(stmt.arg!, mod);
  if (!b) throw new Error(`not builtin: ${stmt.arg}`);
  return stmt.subs.length || needsSubs(stmt.arg!) ? types.derive(b, stmt, scope) : b;
}

function needsSubs(n: string): boolean {
  return ['enumeration', 'bits', 'identityref', 'leafref', 'union', 'decimal64'].includes(n);
}

export function mkNode(
  kind: NodeKind,
  name: string,
  module: Module,
  opts: { type?: YangType; config?: boolean; parent?: SchemaNode | null } = {},
): SchemaNode {
  const n: SchemaNode = { ...newNode(kind, name, module, opts.parent ?? null, loc()), config: opts.config ?? true, type: opts.type };
  if (n.parent) {
    n.parent.children.push(n);
    n.parent.dataChildren.set(`${module.name}:${name}`, n);
  } else {
    module.data.push(n);
  }
  return n;
}
