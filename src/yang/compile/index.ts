/**
 * The schema compiler: from parsed module and submodule statements to the
 * compiled SchemaContext (see ../schema.ts).
 *
 * Phases: load (imports, includes, implemented set) -> features ->
 * identities -> data definitions of implemented modules (typedef chains,
 * grouping/uses with refine and augment) -> top-level augments -> deviations
 * -> finalize (config inheritance, keys, unique, defaults, dataChildren,
 * duplicate names) -> leafref targets -> module-set id.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { ErrorList, SourceError } from '../../errors';
import type {
  Constraint,
  ExtensionInstance,
  Feature,
  Identity,
  Module,
  NodeKind,
  SchemaContext,
  SchemaNode,
  SourceLoc,
  Statement,
  Status,
  YangType,
} from '../schema';
import { isBuiltinName, types } from '../types';
import type { TypeScope } from '../types/api';
import { xpath } from '../xpath';
import type { PrefixResolver } from '../xpath/api';
import { evalIfFeature, parseIfFeature } from './iffeature';
import { ModuleFinder, ParsedFile, parseFile } from './loader';

export { ModuleFinder, parseFile, clearCaches } from './loader';
export type { ParsedFile } from './loader';

export interface CompileRequest {
  /** the modules to load: parsed files */
  files: ParsedFile[];
  finder: ModuleFinder;
  /** enabled features per module name (absent: all features of an implemented module) */
  features?: Record<string, string[]>;
  /** per module name: false loads it import-only, true implements it */
  implemented?: Record<string, boolean>;
}

export interface CompileResult {
  context: SchemaContext;
  warnings: SourceError[];
}

interface Entry {
  stmt: Statement;
  scope: Scope;
}

interface Scope {
  parent: Scope | null;
  src: Src;
  typedefs: Map<string, Entry>;
  groupings: Map<string, Entry>;
}

/** one file (the module or one of its submodules) */
interface Src {
  info: ModInfo;
  module: Module;
  stmt: Statement;
  file: string;
  prefixes: Map<string, Module>;
  top: Scope;
  yang11: boolean;
}

interface ModInfo {
  module: Module;
  pf: ParsedFile;
  srcs: Src[];
  typedefs: Map<string, Entry>;
  groupings: Map<string, Entry>;
  extensions: Set<string>;
  /** holder of the compiled top-level nodes (kind 'root') */
  holder: SchemaNode;
  featureStmts: Map<Feature, { stmt: Statement; src: Src }>;
}

interface Env {
  /** namespace module of created nodes */
  ns: Module;
  /** lexical scope: typedefs, groupings, and (via src) prefixes */
  scope: Scope;
  /** inside rpc/action/notification */
  inOp: boolean;
}

interface NodeExtra {
  explicitConfig?: boolean;
  explicitStatus?: Status;
  keyArg?: { text: string; loc: SourceLoc };
  uniqueArgs: { text: string; loc: SourceLoc; src: Src }[];
  defaultCaseName?: { name: string; loc: SourceLoc };
  yang11: boolean;
  implicitCase?: boolean;
  hasExplicitDefault?: boolean;
  defaultLoc?: SourceLoc;
  refinedDefault?: boolean;
  /** properties given by a statement (deviate add of an existing one is an error) */
  present?: Set<string>;
  replacedDefault?: boolean;
}

const DATA_DEF = new Set(['container', 'leaf', 'leaf-list', 'list', 'choice', 'anydata', 'anyxml']);
const OP_KINDS = new Set<NodeKind>(['rpc', 'action', 'notification', 'input', 'output']);

/** Thrown (and collected) for problems found while compiling. */
function srcErr(loc: SourceLoc, msg: string): SourceError {
  return new SourceError(loc.file, loc.line, loc.col, msg);
}

function splitName(name: string): [string | null, string] {
  const i = name.indexOf(':');
  return i < 0 ? [null, name] : [name.slice(0, i), name.slice(i + 1)];
}

function sub(s: Statement, kw: string): Statement | undefined {
  for (const x of s.subs) if (x.keyword === kw) return x;
  return undefined;
}

function subs(s: Statement, kw: string): Statement[] {
  return s.subs.filter((x) => x.keyword === kw);
}

/**
 * A schema node with every field present, the optional ones undefined: all
 * nodes share one hidden class, so the data engine's reads of `s.kind`,
 * `s.type`, `s.must`... stay monomorphic. Optional fields added as the
 * compiler met them gave eight shapes, and every such read in validate,
 * diff and toXml went through V8's megamorphic lookup.
 */
export function newNode(kind: NodeKind, name: string, module: Module, parent: SchemaNode | null, loc: SourceLoc): SchemaNode {
  return {
    kind,
    name,
    module,
    parent,
    children: [],
    dataChildren: new Map(),
    config: true,
    status: 'current',
    mandatory: false,
    presence: false,
    keys: [],
    minElements: 0,
    maxElements: Infinity,
    orderedBy: 'system',
    unique: [],
    defaults: [],
    must: [],
    when: [],
    extensions: [],
    nacm: null,
    loc,
    type: undefined,
    defaultModule: undefined,
    defaultCase: undefined,
    units: undefined,
    description: undefined,
    xmlTags: undefined,
  };
}

/** a module with nothing in it yet (the compiler fills it; tests build schemas by hand from it) */
export function emptyModule(name: string, file: string): Module {
  return {
    name,
    namespace: '',
    prefix: '',
    yangVersion: '1',
    file,
    implemented: false,
    imports: new Map(),
    submodules: [],
    features: new Map(),
    identities: new Map(),
    deviatedBy: [],
    data: [],
    rpcs: [],
    notifications: [],
    source: '',
  };
}

/** the closest ancestor data node (or root) that is the context of an inherited `when` */
function dataAncestor(n: SchemaNode, root: SchemaNode): SchemaNode {
  let p: SchemaNode | null = n;
  while (p && (p.kind === 'choice' || p.kind === 'case' || p.kind === 'input' || p.kind === 'output')) p = p.parent;
  if (!p || p.kind === 'root') return root;
  return p;
}

function inOperation(n: SchemaNode): boolean {
  for (let p: SchemaNode | null = n; p; p = p.parent) if (OP_KINDS.has(p.kind)) return true;
  return false;
}

class Compiler {
  readonly errors: SourceError[] = [];
  readonly warnings: SourceError[] = [];
  readonly infos = new Map<string, ModInfo>();
  readonly root: SchemaNode;
  private readonly rootModule: Module;
  private readonly extra = new Map<SchemaNode, NodeExtra>();
  private readonly scopeCache = new Map<Statement, Scope>();
  private readonly typedefCache = new Map<Statement, Map<string, YangType>>();
  private readonly typedefBusy = new Set<Statement>();
  private readonly usesStack: Statement[] = [];
  /** modules that leafref paths point into (RFC 7950 5.6.5: must be implemented) */
  readonly needImplemented = new Set<string>();
  private readonly ifFeatureCache = new Map<string, ReturnType<typeof parseIfFeature>>();

  constructor(
    private readonly req: CompileRequest,
    private readonly implementedSet: Set<string>,
  ) {
    this.rootModule = emptyModule('', '');
    this.root = newNode('root', '', this.rootModule, null, { file: '', line: 0, col: 0 });
  }

  error(loc: SourceLoc, msg: string): void {
    this.errors.push(srcErr(loc, msg));
  }

  warn(loc: SourceLoc, msg: string): void {
    this.warnings.push(srcErr(loc, msg));
  }

  /** record an exception thrown by another part of the engine as a SourceError at loc */
  private report(e: unknown, loc: SourceLoc): void {
    if (e instanceof SourceError) this.errors.push(e);
    else if (e instanceof ErrorList) for (const x of e.errors) this.report(x, loc);
    else this.error(loc, e instanceof Error ? e.message : String(e));
  }

  // ------------------------------------------------------------------ load

  loadMain(pf: ParsedFile, implemented: boolean, byLoc?: SourceLoc): ModInfo | undefined {
    const st = pf.stmt;
    if (st.keyword !== 'module') {
      this.error(byLoc ?? st.loc, `${pf.stmt.arg} is a submodule, not a module`);
      return undefined;
    }
    const name = st.arg!;
    const old = this.infos.get(name);
    if (old) {
      if (implemented) old.module.implemented = true;
      if (old.pf.path !== pf.path && old.pf.revision !== pf.revision) {
        this.warn(byLoc ?? st.loc, `module ${name}: revision ${pf.revision ?? '(none)'} requested, revision ${old.pf.revision ?? '(none)'} already loaded is used`);
      }
      return old;
    }
    const yv = sub(st, 'yang-version')?.arg;
    if (yv !== undefined && yv !== '1' && yv !== '1.1') this.error(sub(st, 'yang-version')!.loc, `invalid yang-version "${yv}"`);
    const module = emptyModule(name, pf.path);
    module.namespace = sub(st, 'namespace')?.arg ?? '';
    module.prefix = sub(st, 'prefix')?.arg ?? '';
    module.revision = pf.revision;
    module.yangVersion = yv === '1.1' ? '1.1' : '1';
    module.implemented = implemented;
    module.source = pf.text;
    if (!sub(st, 'namespace')) this.error(st.loc, `module ${name} has no namespace`);
    if (!sub(st, 'prefix')) this.error(st.loc, `module ${name} has no prefix`);
    const holder = newNode('root', '', module, null, st.loc);
    const info: ModInfo = {
      module,
      pf,
      srcs: [],
      typedefs: new Map(),
      groupings: new Map(),
      extensions: new Set(),
      holder,
      featureStmts: new Map(),
    };
    this.infos.set(name, info);
    this.addSrc(info, st, pf.path);
    // includes (recursively, each submodule once)
    const seen = new Set<string>();
    for (let i = 0; i < info.srcs.length; i++) {
      const s = info.srcs[i];
      for (const inc of subs(s.stmt, 'include')) {
        const subName = inc.arg!;
        if (seen.has(subName)) continue;
        seen.add(subName);
        const rev = sub(inc, 'revision-date')?.arg ?? undefined;
        const file = this.req.finder.find(subName, rev);
        if (!file) {
          this.error(inc.loc, `submodule ${subName}${rev ? '@' + rev : ''} not found on the search path`);
          continue;
        }
        let spf: ParsedFile;
        try {
          spf = parseFile(file);
        } catch (e) {
          this.report(e, inc.loc);
          continue;
        }
        if (spf.stmt.keyword !== 'submodule') {
          this.error(inc.loc, `${subName} is not a submodule`);
          continue;
        }
        const bt = sub(spf.stmt, 'belongs-to');
        if (!bt || bt.arg !== name) {
          this.error(inc.loc, `submodule ${subName} belongs to ${bt?.arg ?? '(nothing)'}, not to ${name}`);
          continue;
        }
        module.submodules.push({ name: subName, revision: spf.revision, file: spf.path });
        this.addSrc(info, spf.stmt, spf.path);
      }
    }
    // imports
    for (const s of info.srcs) {
      s.prefixes.set(s === info.srcs[0] ? module.prefix : sub(sub(s.stmt, 'belongs-to')!, 'prefix')?.arg ?? module.prefix, module);
      for (const imp of subs(s.stmt, 'import')) {
        const iname = imp.arg!;
        const prefix = sub(imp, 'prefix')?.arg;
        if (!prefix) {
          this.error(imp.loc, `import of ${iname} has no prefix`);
          continue;
        }
        if (s.prefixes.has(prefix)) {
          this.error(imp.loc, `prefix "${prefix}" is already used in ${s.file}`);
          continue;
        }
        const rev = sub(imp, 'revision-date')?.arg ?? undefined;
        let target = this.infos.get(iname);
        if (!target || (rev && target.module.revision !== rev)) {
          const file = this.req.finder.find(iname, rev);
          if (!file) {
            if (target) this.warn(imp.loc, `module ${iname}@${rev} not found, revision ${target.module.revision ?? '(none)'} is used`);
            else {
              this.error(imp.loc, `imported module ${iname}${rev ? '@' + rev : ''} not found on the search path`);
              continue;
            }
          } else {
            let ipf: ParsedFile;
            try {
              ipf = parseFile(file);
            } catch (e) {
              this.report(e, imp.loc);
              continue;
            }
            target = this.loadMain(ipf, this.implementedSet.has(iname), imp.loc);
          }
        }
        if (!target) continue;
        s.prefixes.set(prefix, target.module);
        if (s === info.srcs[0]) module.imports.set(prefix, target.module);
      }
      if (s === info.srcs[0]) module.imports.set(module.prefix, module);
    }
    return info;
  }

  private addSrc(info: ModInfo, stmt: Statement, file: string): void {
    const src: Src = {
      info,
      module: info.module,
      stmt,
      file,
      prefixes: new Map(),
      top: undefined as unknown as Scope,
      yang11: sub(stmt, 'yang-version')?.arg === '1.1',
    };
    src.top = { parent: null, src, typedefs: info.typedefs, groupings: info.groupings };
    info.srcs.push(src);
    for (const s of stmt.subs) {
      if (s.keyword === 'typedef' || s.keyword === 'grouping') {
        if (s.keyword === 'typedef' && isBuiltinName(s.arg ?? '')) this.error(s.loc, `typedef "${s.arg}" has the name of a built-in type`);
        const map = s.keyword === 'typedef' ? info.typedefs : info.groupings;
        if (map.has(s.arg!)) this.error(s.loc, `duplicate ${s.keyword} "${s.arg}"`);
        else map.set(s.arg!, { stmt: s, scope: src.top });
      } else if (s.keyword === 'extension') {
        info.extensions.add(s.arg!);
      }
    }
  }

  // ------------------------------------------------------------- features

  compileFeatures(): void {
    const wanted = this.req.features ?? {};
    for (const info of this.infos.values()) {
      const list = wanted[info.module.name];
      const set = list ? new Set(list) : undefined;
      for (const src of info.srcs) {
        for (const s of subs(src.stmt, 'feature')) {
          const name = s.arg!;
          const enabled = set ? set.has(name) || set.has('*') : info.module.implemented;
          const f: Feature = { name, module: info.module, enabled };
          if (info.module.features.has(name)) this.error(s.loc, `duplicate feature "${name}"`);
          info.module.features.set(name, f);
          info.featureStmts.set(f, { stmt: s, src });
        }
      }
      if (set) {
        for (const n of set) {
          if (n !== '*' && !info.module.features.has(n)) this.error(info.pf.stmt.loc, `feature "${n}" is not defined in module ${info.module.name}`);
        }
      }
    }
    // a feature whose if-features are false cannot be enabled
    for (let changed = true; changed; ) {
      changed = false;
      for (const info of this.infos.values()) {
        for (const [f, { stmt, src }] of info.featureStmts) {
          if (f.enabled && !this.enabled(stmt, src.top)) {
            f.enabled = false;
            changed = true;
          }
        }
      }
    }
  }

  /** all if-feature substatements of s are true (in the prefix scope of `scope`) */
  enabled(s: Statement, scope: Scope): boolean {
    for (const x of s.subs) {
      if (x.keyword !== 'if-feature') continue;
      const text = x.arg ?? '';
      let expr = this.ifFeatureCache.get(text);
      if (!expr) {
        try {
          expr = parseIfFeature(text);
        } catch (e) {
          this.error(x.loc, (e as Error).message);
          return false;
        }
        this.ifFeatureCache.set(text, expr);
      }
      const ok = evalIfFeature(expr, (name) => {
        const f = this.findFeature(name, scope.src, x.loc);
        return f ? f.enabled : false;
      });
      if (!ok) return false;
    }
    return true;
  }

  private findFeature(name: string, src: Src, loc: SourceLoc): Feature | undefined {
    const [p, local] = splitName(name);
    const mod = p === null ? src.module : src.prefixes.get(p);
    if (!mod) {
      this.error(loc, `unknown prefix "${p}" in if-feature "${name}"`);
      return undefined;
    }
    const f = mod.features.get(local);
    if (!f) this.error(loc, `feature "${name}" not found in module ${mod.name}`);
    return f;
  }

  // ----------------------------------------------------------- identities

  compileIdentities(): void {
    const pending: { id: Identity; stmt: Statement; src: Src }[] = [];
    for (const info of this.infos.values()) {
      for (const src of info.srcs) {
        for (const s of subs(src.stmt, 'identity')) {
          const id: Identity = {
            name: s.arg!,
            module: info.module,
            bases: [],
            derived: new Set(),
            enabled: true,
            status: (sub(s, 'status')?.arg as Status) ?? 'current',
          };
          if (info.module.identities.has(id.name)) this.error(s.loc, `duplicate identity "${id.name}"`);
          info.module.identities.set(id.name, id);
          pending.push({ id, stmt: s, src });
        }
      }
    }
    for (const { id, stmt, src } of pending) {
      id.enabled = this.enabled(stmt, src.top);
      for (const b of subs(stmt, 'base')) {
        const base = this.findIdentity(b.arg!, src, b.loc);
        if (base) id.bases.push(base);
      }
    }
    for (const { id, stmt } of pending) {
      // derived, transitively; detect cycles
      const stack = [...id.bases];
      const seen = new Set<Identity>();
      while (stack.length) {
        const b = stack.pop()!;
        if (b === id) {
          this.error(stmt.loc, `identity "${id.name}" is derived from itself`);
          break;
        }
        if (seen.has(b)) continue;
        seen.add(b);
        b.derived.add(id);
        stack.push(...b.bases);
      }
    }
  }

  private findIdentity(name: string, src: Src, loc: SourceLoc): Identity | undefined {
    const [p, local] = splitName(name);
    const mod = p === null ? src.module : src.prefixes.get(p);
    if (!mod) {
      this.error(loc, `unknown prefix "${p}" in identity "${name}"`);
      return undefined;
    }
    const id = mod.identities.get(local);
    if (!id) this.error(loc, `identity "${name}" not found in module ${mod.name}`);
    return id;
  }

  // ---------------------------------------------------------------- scopes

  private childScope(s: Statement, scope: Scope): Scope {
    const hit = this.scopeCache.get(s);
    if (hit) return hit;
    let has = false;
    for (const x of s.subs) if (x.keyword === 'typedef' || x.keyword === 'grouping') has = true;
    if (!has) return scope;
    const sc: Scope = { parent: scope, src: scope.src, typedefs: new Map(), groupings: new Map() };
    for (const x of s.subs) {
      if (x.keyword !== 'typedef' && x.keyword !== 'grouping') continue;
      if (x.keyword === 'typedef' && isBuiltinName(x.arg ?? '')) this.error(x.loc, `typedef "${x.arg}" has the name of a built-in type`);
      const map = x.keyword === 'typedef' ? sc.typedefs : sc.groupings;
      if (map.has(x.arg!)) this.error(x.loc, `duplicate ${x.keyword} "${x.arg}"`);
      map.set(x.arg!, { stmt: x, scope: sc });
    }
    this.scopeCache.set(s, sc);
    return sc;
  }

  private lookup(kind: 'typedefs' | 'groupings', name: string, scope: Scope, loc: SourceLoc): Entry | undefined {
    const [p, local] = splitName(name);
    const what = kind === 'typedefs' ? 'typedef' : 'grouping';
    if (p !== null) {
      const mod = scope.src.prefixes.get(p);
      if (!mod) {
        this.error(loc, `unknown prefix "${p}" in ${what} "${name}"`);
        return undefined;
      }
      if (mod !== scope.src.module) {
        const e = this.infos.get(mod.name)?.[kind].get(local);
        if (!e) this.error(loc, `${what} "${name}" not found in module ${mod.name}`);
        return e;
      }
    }
    for (let s: Scope | null = scope; s; s = s.parent) {
      const e = s[kind].get(local);
      if (e) return e;
    }
    this.error(loc, `${what} "${name}" not found`);
    return undefined;
  }

  // ----------------------------------------------------------------- types

  private resolver(env: Env): PrefixResolver {
    const ns = env.ns.name;
    const prefixes = env.scope.src.prefixes;
    return (p) => (p === null ? ns : prefixes.get(p)?.name);
  }

  private typeScope(env: Env): TypeScope {
    return {
      module: env.scope.src.module,
      resolveIdentity: (name, loc) => {
        const n = this.errors.length;
        const id = this.findIdentity(name, env.scope.src, loc);
        if (!id) throw this.errors.splice(n)[0] ?? srcErr(loc, `identity "${name}" not found`);
        return id;
      },
      compileXPath: (text, _loc) => {
        for (const m of text.matchAll(/([A-Za-z_][A-Za-z0-9_.-]*):(?!:)/g)) {
          const mod = env.scope.src.prefixes.get(m[1]);
          if (mod && !mod.implemented) this.needImplemented.add(mod.name);
        }
        return xpath.compile(text, this.resolver(env));
      },
      resolveType: (stmt) => this.resolveType(stmt, env),
      isEnabled: (stmt) => this.enabled(stmt, env.scope),
    };
  }

  resolveType(typeStmt: Statement, env: Env): YangType {
    const name = typeStmt.arg ?? '';
    const [p, local] = splitName(name);
    let base: YangType | undefined;
    if (p === null) base = types.builtin(local, env.scope.src.module);
    if (!base) {
      const td = this.lookup('typedefs', name, env.scope, typeStmt.loc);
      if (!td) throw this.errors.pop()!;
      base = this.compileTypedef(td, env.ns, typeStmt.loc);
    }
    try {
      const t = types.derive(base, typeStmt, this.typeScope(env));
      return t.name === name ? t : { ...t, name };
    } catch (e) {
      if (e instanceof SourceError) throw e;
      throw srcErr(typeStmt.loc, e instanceof Error ? e.message : String(e));
    }
  }

  private compileTypedef(td: Entry, ns: Module, useLoc: SourceLoc): YangType {
    let byNs = this.typedefCache.get(td.stmt);
    const hit = byNs?.get(ns.name);
    if (hit) return hit;
    if (this.typedefBusy.has(td.stmt)) throw srcErr(td.stmt.loc, `typedef "${td.stmt.arg}" is circular`);
    const ts = sub(td.stmt, 'type');
    if (!ts) throw srcErr(td.stmt.loc, `typedef "${td.stmt.arg}" has no type`);
    this.typedefBusy.add(td.stmt);
    let t: YangType;
    try {
      t = { ...this.resolveType(ts, { ns, scope: td.scope, inOp: false }) };
    } finally {
      this.typedefBusy.delete(td.stmt);
    }
    const d = sub(td.stmt, 'default');
    if (d) {
      t.default = d.arg ?? '';
      t.defaultModule = td.scope.src.module;
    }
    const u = sub(td.stmt, 'units');
    if (u) t.units = u.arg ?? '';
    void useLoc;
    if (!byNs) this.typedefCache.set(td.stmt, (byNs = new Map()));
    byNs.set(ns.name, t);
    return t;
  }

  // ------------------------------------------------------------ data nodes

  private x(n: SchemaNode): NodeExtra {
    let e = this.extra.get(n);
    if (!e) this.extra.set(n, (e = { uniqueArgs: [], yang11: n.module.yangVersion === '1.1' }));
    return e;
  }

  compileBody(stmts: Statement[], parent: SchemaNode, env: Env): void {
    for (const s of stmts) this.compileStmt(s, parent, env);
  }

  private compileStmt(s: Statement, parent: SchemaNode, env: Env): void {
    const kw = s.keyword;
    if (DATA_DEF.has(kw)) {
      if (parent.kind === 'choice') {
        // shorthand case
        if (!this.enabled(s, env.scope)) return;
        const c = newNode('case', s.arg ?? '', env.ns, parent, s.loc);
        this.x(c).implicitCase = true;
        parent.children.push(c);
        this.compileDataDef(s, c, env);
        if (c.children.length === 0) parent.children.pop();
      } else if (parent.kind === 'rpc' || parent.kind === 'action') {
        this.error(s.loc, `"${kw}" is not allowed directly in ${parent.kind} "${parent.name}" (use input or output)`);
      } else {
        this.compileDataDef(s, parent, env);
      }
    } else if (kw === 'case') {
      if (parent.kind !== 'choice') this.error(s.loc, `"case" outside a choice`);
      else this.compileDataDef(s, parent, env);
    } else if (kw === 'uses') {
      this.expandUses(s, parent, env);
    } else if (kw === 'rpc') {
      if (parent.kind !== 'root') this.error(s.loc, `"rpc" is only allowed at the top level`);
      else this.compileOp(s, parent, env);
    } else if (kw === 'action') {
      if (parent.kind !== 'container' && parent.kind !== 'list') this.error(s.loc, `"action" is only allowed in a container or list`);
      else if (env.inOp) this.error(s.loc, `"action" is not allowed inside an rpc, action or notification`);
      else this.compileOp(s, parent, env);
    } else if (kw === 'notification') {
      if (parent.kind !== 'root' && parent.kind !== 'container' && parent.kind !== 'list') {
        this.error(s.loc, `"notification" is only allowed at the top level or in a container or list`);
      } else if (env.inOp) this.error(s.loc, `"notification" is not allowed inside an rpc, action or notification`);
      else this.compileOp(s, parent, env);
    }
  }

  private common(n: SchemaNode, s: Statement, env: Env): void {
    const xt = this.x(n);
    xt.yang11 = env.scope.src.yang11;
    for (const c of s.subs) {
      switch (c.keyword) {
        case 'description':
          n.description = c.arg ?? '';
          break;
        case 'status':
          if (c.arg !== 'current' && c.arg !== 'deprecated' && c.arg !== 'obsolete') this.error(c.loc, `invalid status "${c.arg}"`);
          else xt.explicitStatus = c.arg;
          break;
        case 'config':
          if (c.arg !== 'true' && c.arg !== 'false') this.error(c.loc, `invalid config "${c.arg}"`);
          else xt.explicitConfig = c.arg === 'true';
          break;
        case 'when': {
          const self = n.kind !== 'choice' && n.kind !== 'case';
          const k = this.constraint(c, env, self ? 'self' : 'ancestor', self ? undefined : dataAncestor(n.parent ?? this.root, this.root));
          if (k) n.when.push(k);
          break;
        }
        case 'must': {
          const k = this.constraint(c, env, 'self');
          if (k) n.must.push(k);
          break;
        }
        default:
          if (c.keyword.includes(':')) this.extensionInstance(n, c, env.scope.src);
      }
    }
  }

  private extensionInstance(n: SchemaNode, c: Statement, src: Src): void {
    const [p, name] = splitName(c.keyword);
    const mod = src.prefixes.get(p!);
    if (!mod) {
      this.error(c.loc, `unknown prefix "${p}" of extension "${c.keyword}"`);
      return;
    }
    if (!this.infos.get(mod.name)?.extensions.has(name)) {
      this.error(c.loc, `extension "${name}" is not defined in module ${mod.name}`);
      return;
    }
    const ext: ExtensionInstance = { module: mod.name, name, arg: c.arg };
    n.extensions.push(ext);
    if (mod.name === 'ietf-netconf-acm') {
      if (name === 'default-deny-all') n.nacm = 'default-deny-all';
      else if (name === 'default-deny-write' && n.nacm === null) n.nacm = 'default-deny-write';
    }
  }

  private constraint(s: Statement, env: Env, context: 'self' | 'ancestor', contextNode?: SchemaNode): Constraint | undefined {
    if (s.arg === null) {
      this.error(s.loc, `"${s.keyword}" needs an XPath expression`);
      return undefined;
    }
    let expr;
    try {
      expr = xpath.compile(s.arg, this.resolver(env));
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.error(s.loc, `invalid XPath in "${s.keyword}": ${msg}`);
      return undefined;
    }
    const k: Constraint = { xpath: expr, context, loc: s.loc };
    if (contextNode) k.contextNode = contextNode;
    const em = sub(s, 'error-message');
    if (em) k.errorMessage = em.arg ?? '';
    const ea = sub(s, 'error-app-tag');
    if (ea) k.errorAppTag = ea.arg ?? '';
    return k;
  }

  private compileDataDef(s: Statement, parent: SchemaNode, env: Env): void {
    if (!this.enabled(s, env.scope)) {
      if (s.arg !== null && (s.keyword === 'container' || s.keyword === 'leaf' || s.keyword === 'leaf-list' || s.keyword === 'list' || s.keyword === 'anydata' || s.keyword === 'anyxml')) {
        let holder: SchemaNode = parent;
        while ((holder.kind === 'choice' || holder.kind === 'case') && holder.parent) holder = holder.parent;
        const features = s.subs.filter((x) => x.keyword === 'if-feature').map((x) => x.arg ?? '');
        (holder.featureless ??= new Map()).set(`${env.ns.name}:${s.arg}`, features.join(' and '));
      }
      return;
    }
    if (s.arg === null) {
      this.error(s.loc, `"${s.keyword}" needs a name`);
      return;
    }
    const kind = s.keyword as NodeKind;
    if (kind === 'anydata' && !env.scope.src.yang11) this.error(s.loc, `"anydata" needs YANG 1.1`);
    const n = newNode(kind, s.arg, env.ns, parent, s.loc);
    parent.children.push(n);
    const scope = this.childScope(s, env.scope);
    const env2: Env = scope === env.scope ? env : { ...env, scope };
    this.common(n, s, env2);
    const xt = this.x(n);
    const int = (c: Statement, what: string): number | undefined => {
      const t = (c.arg ?? '').trim();
      if (what === 'max-elements' && t === 'unbounded') return Infinity;
      if (!/^(0|[1-9][0-9]*)$/.test(t) || (what === 'max-elements' && t === '0')) {
        this.error(c.loc, `invalid ${what} "${c.arg}"`);
        return undefined;
      }
      return Number(t);
    };
    for (const c of s.subs) {
      if (c.keyword === 'mandatory' || c.keyword === 'min-elements' || c.keyword === 'max-elements') (xt.present ??= new Set()).add(c.keyword);
      switch (c.keyword) {
        case 'presence':
          if (kind === 'container') n.presence = true;
          break;
        case 'mandatory':
          if (c.arg !== 'true' && c.arg !== 'false') this.error(c.loc, `invalid mandatory "${c.arg}"`);
          n.mandatory = c.arg === 'true';
          break;
        case 'units':
          n.units = c.arg ?? '';
          break;
        case 'default':
          if (kind === 'choice') xt.defaultCaseName = { name: c.arg ?? '', loc: c.loc };
          else if (kind === 'leaf' || kind === 'leaf-list') {
            if (kind === 'leaf' && n.defaults.length) this.error(c.loc, `duplicate default`);
            if (kind === 'leaf-list' && !env2.scope.src.yang11) this.error(c.loc, `leaf-list default needs YANG 1.1`);
            n.defaults.push(c.arg ?? '');
            n.defaultModule = env2.scope.src.module;
            xt.hasExplicitDefault = true;
            xt.defaultLoc ??= c.loc;
          }
          break;
        case 'min-elements': {
          const v = int(c, 'min-elements');
          if (v !== undefined) n.minElements = v;
          break;
        }
        case 'max-elements': {
          const v = int(c, 'max-elements');
          if (v !== undefined) n.maxElements = v;
          break;
        }
        case 'ordered-by':
          if (c.arg !== 'user' && c.arg !== 'system') this.error(c.loc, `invalid ordered-by "${c.arg}"`);
          else n.orderedBy = c.arg;
          break;
        case 'key':
          xt.keyArg = { text: c.arg ?? '', loc: c.loc };
          break;
        case 'unique':
          xt.uniqueArgs.push({ text: c.arg ?? '', loc: c.loc, src: env2.scope.src });
          break;
        default:
          break;
      }
    }
    if (kind === 'leaf' || kind === 'leaf-list') {
      const ts = sub(s, 'type');
      if (!ts) this.error(s.loc, `${kind} "${n.name}" has no type`);
      else {
        try {
          n.type = this.resolveType(ts, env2);
        } catch (e) {
          this.report(e, ts.loc);
        }
      }
      if (n.units === undefined && n.type?.units !== undefined) n.units = n.type.units;
    }
    if (kind === 'container' || kind === 'list' || kind === 'choice' || kind === 'case') {
      this.compileBody(s.subs, n, env2);
    }
  }

  private compileOp(s: Statement, parent: SchemaNode, env: Env): void {
    if (!this.enabled(s, env.scope)) return;
    const kind = s.keyword as NodeKind;
    if (!env.scope.src.yang11 && parent.kind !== 'root') this.error(s.loc, `"${kind}" inside a ${parent.kind} needs YANG 1.1`);
    const n = newNode(kind, s.arg ?? '', env.ns, parent, s.loc);
    parent.children.push(n);
    const scope = this.childScope(s, env.scope);
    const env2: Env = { ns: env.ns, scope, inOp: true };
    this.common(n, s, env2);
    if (kind === 'notification') {
      this.compileBody(s.subs, n, env2);
      return;
    }
    for (const io of ['input', 'output'] as const) {
      const st = sub(s, io);
      const c = newNode(io, io, env.ns, n, st?.loc ?? s.loc);
      n.children.push(c);
      if (st) {
        const sc = this.childScope(st, scope);
        const env3: Env = { ns: env.ns, scope: sc, inOp: true };
        this.common(c, st, env3);
        this.compileBody(st.subs, c, env3);
      }
    }
    for (const c of s.subs) {
      if (DATA_DEF.has(c.keyword) || c.keyword === 'uses') this.error(c.loc, `"${c.keyword}" is not allowed directly in ${kind} "${n.name}" (use input or output)`);
    }
  }

  private expandUses(s: Statement, parent: SchemaNode, env: Env): void {
    if (!this.enabled(s, env.scope)) return;
    const g = this.lookup('groupings', s.arg ?? '', env.scope, s.loc);
    if (!g) return;
    if (this.usesStack.includes(g.stmt)) {
      this.error(s.loc, `grouping "${s.arg}" uses itself`);
      return;
    }
    this.usesStack.push(g.stmt);
    const before = parent.children.length;
    try {
      const gscope = this.childScope(g.stmt, g.scope);
      this.compileBody(g.stmt.subs, parent, { ns: env.ns, scope: gscope, inOp: env.inOp });
    } finally {
      this.usesStack.pop();
    }
    const added = parent.children.slice(before);
    for (const a of subs(s, 'augment')) {
      if (!this.enabled(a, env.scope)) continue;
      const t = this.resolveRelative(a.arg ?? '', added, env, a.loc);
      if (t) this.applyAugment(a, t, { ns: env.ns, scope: this.childScope(a, env.scope), inOp: env.inOp || inOperation(t) });
    }
    for (const r of subs(s, 'refine')) {
      const t = this.resolveRelative(r.arg ?? '', added, env, r.loc);
      if (t) this.applyRefine(r, t, env);
    }
    const whens = subs(s, 'when');
    if (whens.length) {
      const ctxNode = dataAncestor(parent, this.root);
      for (const n of added) {
        for (const w of whens) {
          const k = this.constraint(w, env, 'ancestor', ctxNode);
          if (k) n.when.push(k);
        }
      }
    }
    for (const n of added) {
      const st = sub(s, 'status')?.arg as Status | undefined;
      if (st && this.x(n).explicitStatus === undefined) this.x(n).explicitStatus = st;
    }
  }

  /** descendant schema node id relative to the nodes a uses added */
  private resolveRelative(p: string, first: SchemaNode[], env: Env, loc: SourceLoc): SchemaNode | undefined {
    const segs = p.trim().split('/');
    if (segs[0] === '' || segs.some((x) => x === '')) {
      this.error(loc, `invalid descendant schema node id "${p}"`);
      return undefined;
    }
    let cands = first;
    let cur: SchemaNode | undefined;
    for (const seg of segs) {
      const [pf, name] = splitName(seg.trim());
      let mod: Module | undefined = env.ns;
      if (pf !== null) {
        mod = env.scope.src.prefixes.get(pf);
        if (!mod) {
          this.error(loc, `unknown prefix "${pf}" in "${p}"`);
          return undefined;
        }
      }
      const written = env.scope.src.module;
      cur = cands.find((c) => c.name === name && (c.module === mod || (mod === written && c.module === env.ns)));
      if (!cur) {
        this.error(loc, `schema node "${seg}" of "${p}" not found`);
        return undefined;
      }
      cands = cur.children;
    }
    return cur;
  }

  /** absolute schema node id (augment, deviation targets) */
  resolveAbsolute(p: string, src: Src, loc: SourceLoc, report: boolean): SchemaNode | undefined {
    const fail = (msg: string): undefined => {
      if (report) this.error(loc, msg);
      return undefined;
    };
    const segs = p.trim().split('/');
    if (segs[0] !== '' || segs.length < 2 || segs.slice(1).some((x) => x === '')) return fail(`invalid absolute schema node id "${p}"`);
    let cands: SchemaNode[] | undefined;
    let cur: SchemaNode | undefined;
    for (const seg of segs.slice(1)) {
      const [pf, name] = splitName(seg.trim());
      const mod = pf === null ? src.module : src.prefixes.get(pf);
      if (!mod) return fail(`unknown prefix "${pf}" in "${p}"`);
      if (!cands) {
        const info = this.infos.get(mod.name);
        if (!info) return fail(`module ${mod.name} of "${p}" is not loaded`);
        cands = info.holder.children;
      }
      cur = cands.find((c) => c.name === name && c.module === mod);
      if (!cur) return fail(`target node "${seg}" of "${p}" not found`);
      cands = cur.children;
    }
    return cur;
  }

  private applyAugment(a: Statement, target: SchemaNode, env: Env): void {
    const ok: NodeKind[] = ['container', 'list', 'choice', 'case', 'input', 'output', 'notification'];
    if (!ok.includes(target.kind)) {
      this.error(a.loc, `augment target "${a.arg}" is a ${target.kind}; it must be a container, list, choice, case, input, output or notification`);
      return;
    }
    const before = target.children.length;
    this.compileBody(a.subs, target, env);
    const added = target.children.slice(before);
    const whens = subs(a, 'when');
    if (whens.length) {
      const isData = target.kind === 'container' || target.kind === 'list' || target.kind === 'notification';
      const ctxNode = isData ? target : dataAncestor(target, this.root);
      for (const n of added) {
        for (const w of whens) {
          const k = this.constraint(w, env, 'ancestor', ctxNode);
          if (k) n.when.push(k);
        }
      }
    }
    const st = sub(a, 'status')?.arg as Status | undefined;
    for (const n of added) if (st && this.x(n).explicitStatus === undefined) this.x(n).explicitStatus = st;
    if (target.module !== env.ns && whens.length === 0) {
      for (const n of added) {
        if (this.isMandatory(n)) this.error(n.loc, `augment of ${target.module.name} adds mandatory node "${n.name}" without a when`);
      }
    }
  }

  private isMandatory(n: SchemaNode): boolean {
    if (n.when.length) return false;
    if ((n.kind === 'leaf' || n.kind === 'choice' || n.kind === 'anydata' || n.kind === 'anyxml') && n.mandatory) return true;
    if ((n.kind === 'list' || n.kind === 'leaf-list') && n.minElements > 0) return true;
    if (n.kind === 'container' && !n.presence) return n.children.some((c) => this.isMandatory(c));
    if (n.kind === 'case') return n.children.some((c) => this.isMandatory(c));
    return false;
  }

  private applyRefine(r: Statement, t: SchemaNode, env: Env): void {
    if (!this.enabled(r, env.scope)) {
      this.removeNode(t);
      return;
    }
    const xt = this.x(t);
    for (const c of r.subs) {
      if (c.keyword === 'mandatory' || c.keyword === 'min-elements' || c.keyword === 'max-elements') (xt.present ??= new Set()).add(c.keyword);
      switch (c.keyword) {
        case 'description':
          t.description = c.arg ?? '';
          break;
        case 'default':
          if (t.kind === 'choice') xt.defaultCaseName = { name: c.arg ?? '', loc: c.loc };
          else if (t.kind === 'leaf' || t.kind === 'leaf-list') {
            if (!xt.refinedDefault) {
              t.defaults = [];
              xt.refinedDefault = true;
            }
            t.defaults.push(c.arg ?? '');
            t.defaultModule = env.scope.src.module;
            xt.hasExplicitDefault = true;
            xt.defaultLoc = c.loc;
          } else this.error(c.loc, `refine of ${t.kind} "${t.name}" cannot have a default`);
          break;
        case 'mandatory':
          if (!['leaf', 'choice', 'anydata', 'anyxml'].includes(t.kind)) this.error(c.loc, `refine of ${t.kind} "${t.name}" cannot set mandatory`);
          else t.mandatory = c.arg === 'true';
          break;
        case 'presence':
          if (t.kind !== 'container') this.error(c.loc, `refine of ${t.kind} "${t.name}" cannot set presence`);
          else t.presence = true;
          break;
        case 'min-elements':
          if (t.kind !== 'list' && t.kind !== 'leaf-list') this.error(c.loc, `refine of ${t.kind} "${t.name}" cannot set min-elements`);
          else t.minElements = Number(c.arg);
          break;
        case 'max-elements':
          if (t.kind !== 'list' && t.kind !== 'leaf-list') this.error(c.loc, `refine of ${t.kind} "${t.name}" cannot set max-elements`);
          else t.maxElements = c.arg === 'unbounded' ? Infinity : Number(c.arg);
          break;
        case 'must': {
          const k = this.constraint(c, { ...env, ns: t.module }, 'self');
          if (k) t.must.push(k);
          break;
        }
        case 'config':
          xt.explicitConfig = c.arg === 'true';
          break;
        case 'units':
          t.units = c.arg ?? '';
          break;
        default:
          if (c.keyword.includes(':')) this.extensionInstance(t, c, env.scope.src);
      }
    }
  }

  private removeNode(n: SchemaNode): void {
    const p = n.parent;
    if (!p) return;
    const i = p.children.indexOf(n);
    if (i >= 0) p.children.splice(i, 1);
  }

  // --------------------------------------------------------- top-level

  compileModules(): void {
    for (const info of this.infos.values()) {
      if (!info.module.implemented) continue;
      for (const src of info.srcs) {
        const env: Env = { ns: info.module, scope: src.top, inOp: false };
        this.compileBody(src.stmt.subs, info.holder, env);
      }
    }
  }

  compileAugments(): void {
    let pending: { stmt: Statement; src: Src }[] = [];
    for (const info of this.infos.values()) {
      if (!info.module.implemented) continue;
      for (const src of info.srcs) for (const a of subs(src.stmt, 'augment')) if (this.enabled(a, src.top)) pending.push({ stmt: a, src });
    }
    for (let progress = true; progress && pending.length; ) {
      progress = false;
      const rest: typeof pending = [];
      for (const p of pending) {
        const t = this.resolveAbsolute(p.stmt.arg ?? '', p.src, p.stmt.loc, false);
        if (!t) {
          rest.push(p);
          continue;
        }
        progress = true;
        const env: Env = { ns: p.src.module, scope: this.childScope(p.stmt, p.src.top), inOp: inOperation(t) };
        this.applyAugment(p.stmt, t, env);
      }
      pending = rest;
    }
    for (const p of pending) this.resolveAbsolute(p.stmt.arg ?? '', p.src, p.stmt.loc, true);
  }

  compileDeviations(): void {
    for (const info of this.infos.values()) {
      if (!info.module.implemented) continue;
      for (const src of info.srcs) {
        for (const d of subs(src.stmt, 'deviation')) {
          const t = this.resolveAbsolute(d.arg ?? '', src, d.loc, true);
          if (!t) continue;
          if (!t.module.deviatedBy.includes(info.module)) t.module.deviatedBy.push(info.module);
          const env: Env = { ns: t.module, scope: src.top, inOp: inOperation(t) };
          for (const dv of subs(d, 'deviate')) {
            if (dv.arg === 'not-supported') {
              this.removeNode(t);
              break;
            }
            if (dv.arg !== 'add' && dv.arg !== 'replace' && dv.arg !== 'delete') {
              this.error(dv.loc, `invalid deviate "${dv.arg}"`);
              continue;
            }
            this.applyDeviate(dv.arg, dv, t, env);
          }
        }
      }
    }
  }

  private applyDeviate(op: 'add' | 'replace' | 'delete', dv: Statement, t: SchemaNode, env: Env): void {
    const xt = this.x(t);
    const bad = (c: Statement): void => this.error(c.loc, `deviate ${op} of "${c.keyword}" is not possible on ${t.kind} "${t.name}"`);
    const isLeafy = t.kind === 'leaf' || t.kind === 'leaf-list';
    for (const c of dv.subs) {
      switch (c.keyword) {
        case 'units':
          if (!isLeafy) bad(c);
          else if (op === 'add' && t.units !== undefined && t.units !== t.type?.units) this.error(c.loc, `deviate add: "${t.name}" already has units`);
          else if (op === 'delete') t.units = undefined;
          else t.units = c.arg ?? '';
          break;
        case 'must':
          if (op === 'replace') bad(c);
          else if (op === 'add') {
            const k = this.constraint(c, env, 'self');
            if (k) t.must.push(k);
          } else {
            const i = t.must.findIndex((m) => m.xpath.text === c.arg);
            if (i < 0) this.error(c.loc, `deviate delete: must "${c.arg}" not found on "${t.name}"`);
            else t.must.splice(i, 1);
          }
          break;
        case 'unique':
          if (t.kind !== 'list' || op === 'replace') bad(c);
          else if (op === 'add') xt.uniqueArgs.push({ text: c.arg ?? '', loc: c.loc, src: env.scope.src });
          else {
            const norm = (s: string): string => s.trim().split(/\s+/).join(' ');
            const i = xt.uniqueArgs.findIndex((u) => norm(u.text) === norm(c.arg ?? ''));
            if (i < 0) this.error(c.loc, `deviate delete: unique "${c.arg}" not found on "${t.name}"`);
            else xt.uniqueArgs.splice(i, 1);
          }
          break;
        case 'default':
          if (t.kind === 'choice') {
            if (op === 'delete') xt.defaultCaseName = undefined;
            else if (op === 'add' && xt.defaultCaseName) this.error(c.loc, `deviate add: choice "${t.name}" already has a default`);
            else xt.defaultCaseName = { name: c.arg ?? '', loc: c.loc };
          } else if (!isLeafy) bad(c);
          else if (op === 'delete') {
            const i = t.defaults.indexOf(c.arg ?? '');
            if (i < 0) this.error(c.loc, `deviate delete: default "${c.arg}" not found on "${t.name}"`);
            else t.defaults.splice(i, 1);
          } else {
            if (op === 'add' && t.kind === 'leaf' && t.defaults.length) this.error(c.loc, `deviate add: "${t.name}" already has a default`);
            if (op === 'replace' && !xt.replacedDefault) {
              t.defaults = [];
              xt.replacedDefault = true;
            }
            t.defaults.push(c.arg ?? '');
            t.defaultModule = env.scope.src.module;
            xt.hasExplicitDefault = true;
            xt.defaultLoc = c.loc;
          }
          break;
        case 'config':
          if (op === 'delete') bad(c);
          else if (op === 'add' && xt.explicitConfig !== undefined) this.error(c.loc, `deviate add: "${t.name}" already has config`);
          else xt.explicitConfig = c.arg === 'true';
          break;
        case 'mandatory':
        case 'min-elements':
        case 'max-elements': {
          const ok = c.keyword === 'mandatory' ? ['leaf', 'choice', 'anydata', 'anyxml'].includes(t.kind) : t.kind === 'list' || t.kind === 'leaf-list';
          if (op === 'delete' || !ok) {
            bad(c);
            break;
          }
          if (op === 'add' && xt.present?.has(c.keyword)) {
            this.error(c.loc, `deviate add: "${t.name}" already has ${c.keyword}`);
            break;
          }
          if (op === 'replace' && !xt.present?.has(c.keyword)) {
            this.error(c.loc, `deviate replace: "${t.name}" has no ${c.keyword} to replace`);
            break;
          }
          (xt.present ??= new Set()).add(c.keyword);
          if (c.keyword === 'mandatory') t.mandatory = c.arg === 'true';
          else if (c.keyword === 'min-elements') t.minElements = Number(c.arg);
          else t.maxElements = c.arg === 'unbounded' ? Infinity : Number(c.arg);
          break;
        }
        case 'type':
          if (op !== 'replace' || !isLeafy) bad(c);
          else {
            try {
              t.type = this.resolveType(c, env);
            } catch (e) {
              this.report(e, c.loc);
            }
          }
          break;
        default:
          if (c.keyword.includes(':')) {
            if (op === 'add') this.extensionInstance(t, c, env.scope.src);
          } else if (c.keyword !== 'description' && c.keyword !== 'reference') {
            this.error(c.loc, `unexpected "${c.keyword}" in deviate ${op}`);
          }
      }
    }
  }

  // ------------------------------------------------------------- finalize

  finalize(): void {
    const rootChildren: SchemaNode[] = [];
    for (const info of this.infos.values()) {
      const m = info.module;
      if (!m.implemented) continue;
      const seen = new Map<string, SchemaNode>();
      for (const n of info.holder.children) {
        const prev = seen.get(n.name);
        if (prev) this.error(n.loc, `duplicate node name "${n.name}" in module ${m.name} (also at line ${prev.loc.line})`);
        else seen.set(n.name, n);
        n.parent = this.root;
        if (n.kind === 'rpc') m.rpcs.push(n);
        else if (n.kind === 'notification') m.notifications.push(n);
        else {
          m.data.push(n);
          rootChildren.push(n);
        }
        this.finalizeNode(n, true, false, 'current');
      }
    }
    this.root.children = rootChildren;
    this.buildDataChildren(this.root);
  }

  private finalizeNode(n: SchemaNode, parentConfig: boolean, inOp: boolean, parentStatus: Status): void {
    const xt = this.x(n);
    if (OP_KINDS.has(n.kind)) inOp = true;
    if (inOp) {
      n.config = false;
    } else {
      if (xt.explicitConfig === true && !parentConfig) {
        this.error(n.loc, `${n.kind} "${n.name}" is config true under a config false node`);
      }
      n.config = xt.explicitConfig ?? parentConfig;
    }
    n.status = xt.explicitStatus ?? parentStatus;
    if (xt.explicitStatus && statusRank(xt.explicitStatus) < statusRank(parentStatus)) {
      this.warn(n.loc, `"${n.name}" has status ${xt.explicitStatus} under a ${parentStatus} node`);
      n.status = parentStatus;
    }
    for (const c of n.children) this.finalizeNode(c, n.config, inOp, n.status);
    this.buildDataChildren(n);
    if (n.minElements > n.maxElements) this.error(n.loc, `min-elements ${n.minElements} is greater than max-elements ${n.maxElements}`);
    switch (n.kind) {
      case 'list':
        this.finalizeList(n, xt);
        break;
      case 'leaf':
      case 'leaf-list':
        this.finalizeLeaf(n, xt);
        break;
      case 'choice':
        this.finalizeChoice(n, xt);
        break;
      default:
        break;
    }
  }

  private buildDataChildren(n: SchemaNode): void {
    const dc = new Map<string, SchemaNode>();
    const names = new Map<string, SchemaNode>();
    const add = (c: SchemaNode): void => {
      const k = `${c.module.name}:${c.name}`;
      const prev = dc.get(k);
      if (prev) this.error(c.loc, `duplicate node name "${c.name}" (also at ${path.basename(prev.loc.file)}:${prev.loc.line})`);
      else dc.set(k, c);
    };
    for (const c of n.children) {
      const k = `${c.module.name}:${c.name}`;
      const prev = names.get(k);
      if (prev && c.kind !== 'input' && c.kind !== 'output') {
        if (!(c.kind === 'case' && this.x(c).implicitCase && prev.kind !== 'case')) {
          this.error(c.loc, `duplicate node name "${c.name}" (also at ${path.basename(prev.loc.file)}:${prev.loc.line})`);
          continue;
        }
      }
      names.set(k, c);
      if (c.kind === 'choice' || c.kind === 'case') {
        for (const g of c.dataChildren.values()) add(g);
      } else if (c.kind === 'input' || c.kind === 'output' || c.kind === 'action' || c.kind === 'notification' || c.kind === 'rpc') {
        continue;
      } else add(c);
    }
    n.dataChildren = dc;
  }

  private finalizeList(n: SchemaNode, xt: NodeExtra): void {
    if (xt.keyArg) {
      const names = xt.keyArg.text.trim().split(/\s+/).filter(Boolean);
      const seen = new Set<string>();
      for (const raw of names) {
        const [, name] = splitName(raw);
        if (seen.has(name)) {
          this.error(xt.keyArg.loc, `duplicate key "${name}" in list "${n.name}"`);
          continue;
        }
        seen.add(name);
        const leaf = n.children.find((c) => c.name === name && c.kind !== 'choice' && c.kind !== 'case');
        if (!leaf) {
          this.error(xt.keyArg.loc, `key "${name}" of list "${n.name}" is not a child leaf of the list`);
          continue;
        }
        if (leaf.kind !== 'leaf') {
          this.error(xt.keyArg.loc, `key "${name}" of list "${n.name}" is a ${leaf.kind}, not a leaf`);
          continue;
        }
        if (leaf.type?.base === 'empty' && !xt.yang11) this.error(leaf.loc, `key leaf "${name}" has type empty, not allowed in YANG 1.0`);
        if (leaf.config !== n.config && !inOperation(n)) this.error(leaf.loc, `key leaf "${name}" must have the same config as list "${n.name}"`);
        if (leaf.when.length) this.error(leaf.when[0].loc, `key leaf "${name}" must not have a when`);
        leaf.defaults = [];
        n.keys.push(leaf);
      }
    } else if (n.config && !inOperation(n)) {
      this.error(n.loc, `config list "${n.name}" has no key`);
    }
    for (const u of xt.uniqueArgs) {
      const leaves: SchemaNode[][] = [];
      for (const p of u.text.trim().split(/\s+/).filter(Boolean)) {
        const chain: SchemaNode[] = [];
        let cur: SchemaNode = n;
        let ok = true;
        for (const seg of p.split('/')) {
          const [pf, name] = splitName(seg);
          const mod = pf === null ? cur.module : u.src.prefixes.get(pf);
          let next: SchemaNode | undefined = mod ? cur.dataChildren.get(`${mod.name}:${name}`) : undefined;
          if (!next && pf === null) next = [...cur.dataChildren.values()].find((c) => c.name === name);
          if (!next || (next.kind !== 'container' && next.kind !== 'leaf')) {
            this.error(u.loc, `unique "${p}" of list "${n.name}": "${seg}" is not a descendant leaf or container`);
            ok = false;
            break;
          }
          chain.push(next);
          cur = next;
        }
        if (!ok) continue;
        if (cur.kind !== 'leaf') {
          this.error(u.loc, `unique "${p}" of list "${n.name}" does not name a leaf`);
          continue;
        }
        if (cur.config !== n.config) {
          this.error(u.loc, `unique "${p}" of list "${n.name}" mixes config true and false`);
          continue;
        }
        leaves.push(chain);
      }
      if (leaves.length) n.unique.push({ leaves, text: u.text });
    }
  }

  private finalizeLeaf(n: SchemaNode, xt: NodeExtra): void {
    if (n.kind === 'leaf' && n.mandatory && n.defaults.length) {
      this.error(xt.defaultLoc ?? n.loc, `leaf "${n.name}" has both a default and mandatory true`);
    }
    if (n.kind === 'leaf-list' && n.defaults.length && n.minElements > 0) {
      this.error(xt.defaultLoc ?? n.loc, `leaf-list "${n.name}" has defaults and min-elements > 0`);
    }
    if (n.kind === 'leaf-list' && n.config && new Set(n.defaults).size !== n.defaults.length) {
      this.error(xt.defaultLoc ?? n.loc, `leaf-list "${n.name}" has duplicate defaults`);
    }
    if (!xt.hasExplicitDefault && n.defaults.length === 0 && n.type?.default !== undefined && !n.mandatory && n.minElements === 0) {
      n.defaults = [n.type.default];
      n.defaultModule = n.type.defaultModule;
    }
  }

  private finalizeChoice(n: SchemaNode, xt: NodeExtra): void {
    if (!xt.defaultCaseName) return;
    const d = n.children.find((c) => c.name === xt.defaultCaseName!.name);
    if (!d) {
      this.error(xt.defaultCaseName.loc, `default case "${xt.defaultCaseName.name}" not found in choice "${n.name}"`);
      return;
    }
    if (n.mandatory) this.error(xt.defaultCaseName.loc, `choice "${n.name}" has both a default and mandatory true`);
    n.defaultCase = d;
    const walk = (c: SchemaNode): void => {
      for (const k of c.children) {
        if ((k.kind === 'leaf' || k.kind === 'choice' || k.kind === 'anydata' || k.kind === 'anyxml') && k.mandatory && k.when.length === 0) {
          this.error(k.loc, `mandatory node "${k.name}" in the default case "${d.name}" of choice "${n.name}"`);
        } else if ((k.kind === 'list' || k.kind === 'leaf-list') && k.minElements > 0) {
          this.error(k.loc, `node "${k.name}" with min-elements in the default case "${d.name}" of choice "${n.name}"`);
        } else if ((k.kind === 'container' && !k.presence) || k.kind === 'choice' || k.kind === 'case') {
          if (k.kind !== 'choice') walk(k);
        }
      }
    };
    walk(d);
  }

  // --------------------------------------------------------- leafrefs

  resolveLeafrefs(ctx: SchemaContext): void {
    const visit = (n: SchemaNode): void => {
      if ((n.kind === 'leaf' || n.kind === 'leaf-list') && n.type && hasLeafref(n.type)) {
        n.type = this.cloneLeafrefs(n.type, n, ctx);
      }
      for (const c of n.children) visit(c);
    };
    for (const info of this.infos.values()) {
      if (!info.module.implemented) continue;
      for (const n of [...info.module.data, ...info.module.rpcs, ...info.module.notifications]) visit(n);
    }
  }

  private cloneLeafrefs(t: YangType, leaf: SchemaNode, ctx: SchemaContext): YangType {
    if (t.base === 'union' && t.union) return { ...t, union: t.union.map((m) => (hasLeafref(m) ? this.cloneLeafrefs(m, leaf, ctx) : m)) };
    if (t.base !== 'leafref' || !t.path) return t;
    const c: YangType = { ...t };
    let targets: SchemaNode[] = [];
    try {
      targets = xpath.schemaTargets(t.path, leaf, ctx);
    } catch (e) {
      this.error(leaf.loc, `leafref path "${t.path.text}" of "${leaf.name}": ${e instanceof Error ? e.message : String(e)}`);
      return c;
    }
    const target = targets[0];
    if (!target) {
      this.error(leaf.loc, `leafref path "${t.path.text}" of ${leaf.kind} "${leaf.name}" does not point to any node`);
      return c;
    }
    if (target.kind !== 'leaf' && target.kind !== 'leaf-list') {
      this.error(leaf.loc, `leafref path "${t.path.text}" of ${leaf.kind} "${leaf.name}" points to a ${target.kind}, not a leaf or leaf-list`);
      return c;
    }
    if (leaf.config && !target.config && t.requireInstance && !inOperation(leaf)) {
      this.error(leaf.loc, `leafref "${leaf.name}" is config true but its target "${target.name}" is config false`);
    }
    c.target = target;
    return c;
  }

  /**
   * Give every node's type one hidden class (see uniformType), once the
   * types are final (leafref targets resolved).
   */
  uniformTypes(): void {
    const memo = new Map<YangType, YangType>();
    const visit = (n: SchemaNode): void => {
      if (n.type) n.type = uniformType(n.type, memo);
      for (const c of n.children) visit(c);
    };
    for (const info of this.infos.values()) {
      for (const n of [...info.module.data, ...info.module.rpcs, ...info.module.notifications]) visit(n);
    }
  }

  /** check every default against its type (after leafrefs are resolved) */
  checkDefaults(): void {
    const visit = (n: SchemaNode): void => {
      if ((n.kind === 'leaf' || n.kind === 'leaf-list') && n.type && n.defaults.length && !hasLeafref(n.type) && n.type.base !== 'instance-identifier') {
        const dm = n.defaultModule ?? n.module;
        const xt = this.x(n);
        for (const d of n.defaults) {
          let r;
          try {
            r = types.parse(n.type, d, (p) => (p === '' ? dm : dm.imports.get(p)));
          } catch {
            continue;
          }
          if (!r.ok) this.error(xt.defaultLoc ?? n.loc, `invalid default "${d}" of ${n.kind} "${n.name}": ${r.message}`);
        }
      }
      for (const c of n.children) visit(c);
    };
    for (const info of this.infos.values()) {
      if (!info.module.implemented) continue;
      for (const n of [...info.module.data, ...info.module.rpcs, ...info.module.notifications]) visit(n);
    }
  }

  // --------------------------------------------------------------- run

  build(): SchemaContext {
    const modules = new Map<string, Module>();
    const byNamespace = new Map<string, Module>();
    for (const info of this.infos.values()) {
      modules.set(info.module.name, info.module);
      if (info.module.namespace) {
        const prev = byNamespace.get(info.module.namespace);
        if (prev) this.error(info.pf.stmt.loc, `namespace "${info.module.namespace}" of ${info.module.name} is also used by ${prev.name}`);
        else byNamespace.set(info.module.namespace, info.module);
      }
    }
    const ctx: SchemaContext = { modules, byNamespace, root: this.root, moduleSetId: '' };
    this.rootModule.implemented = true;
    return ctx;
  }
}

function hasLeafref(t: YangType): boolean {
  return t.base === 'leafref' || (t.base === 'union' && !!t.union?.some(hasLeafref));
}

function statusRank(s: Status): number {
  return s === 'current' ? 0 : s === 'deprecated' ? 1 : 2;
}

/** A stable hash of module names, revisions, implemented flags, enabled features and deviations. */
export function moduleSetIdOf(ctx: SchemaContext): string {
  const lines = [...ctx.modules.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((m) => {
      const feats = [...m.features.values()].filter((f) => f.enabled).map((f) => f.name).sort();
      const devs = m.deviatedBy.map((d) => d.name).sort();
      return `${m.name}@${m.revision ?? ''} ${m.implemented ? 'I' : 'i'} f=${feats.join(',')} d=${devs.join(',')}`;
    });
  return crypto.createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}

/** the prefixes in augment/deviation target paths, mapped through the file's imports */
function targetModulesOf(info: ModInfo): string[] {
  const out: string[] = [];
  for (const src of info.srcs) {
    for (const s of src.stmt.subs) {
      if ((s.keyword !== 'augment' && s.keyword !== 'deviation') || !s.arg) continue;
      for (const m of s.arg.matchAll(/([A-Za-z_][A-Za-z0-9_.-]*):/g)) {
        const mod = src.prefixes.get(m[1]);
        if (mod) out.push(mod.name);
      }
    }
  }
  return out;
}

/** Compile the requested modules (with everything they import) into a SchemaContext. */
export function compileModules(req: CompileRequest): CompileResult {
  const implemented = new Set<string>();
  const forcedOff = new Set<string>();
  for (const [n, v] of Object.entries(req.implemented ?? {})) (v ? implemented : forcedOff).add(n);
  for (const f of req.files) if (f.stmt.arg && !forcedOff.has(f.stmt.arg)) implemented.add(f.stmt.arg);

  for (let attempt = 0; attempt < 8; attempt++) {
    const c = new Compiler(req, implemented);
    for (const f of req.files) c.loadMain(f, implemented.has(f.stmt.arg ?? ''), undefined);
    // augment and deviation targets must be implemented (RFC 7950 5.6.5)
    let grew = false;
    for (let changed = true; changed; ) {
      changed = false;
      for (const info of [...c.infos.values()]) {
        if (!info.module.implemented) continue;
        for (const name of targetModulesOf(info)) {
          const t = c.infos.get(name);
          if (t && !t.module.implemented) {
            t.module.implemented = true;
            implemented.add(name);
            changed = grew = true;
          }
        }
      }
    }
    void grew;
    if (c.errors.length) throw new ErrorList(c.errors);
    c.compileFeatures();
    c.compileIdentities();
    c.compileModules();
    c.compileAugments();
    c.compileDeviations();
    if (c.needImplemented.size && c.errors.length === 0) {
      let more = false;
      for (const n of c.needImplemented) if (!implemented.has(n)) (implemented.add(n), (more = true));
      if (more) continue;
    }
    c.finalize();
    const ctx = c.build();
    if (c.errors.length === 0) {
      c.resolveLeafrefs(ctx);
      c.uniformTypes();
      c.checkDefaults();
    }
    if (c.errors.length) throw new ErrorList(dedupe(c.errors));
    ctx.moduleSetId = moduleSetIdOf(ctx);
    return { context: ctx, warnings: c.warnings };
  }
  throw new ErrorList([new SourceError(req.files[0]?.path ?? '', 1, 1, 'the set of implemented modules does not settle')]);
}

/**
 * A copy of `t` with every field present, in one order: types are made by
 * object literals and spreads with the restrictions each has (thirteen
 * shapes in the agent's modules), which made every `t.base` read in value
 * parsing and validation megamorphic. Shared types stay shared (`memo`).
 */
function uniformType(t: YangType, memo: Map<YangType, YangType>): YangType {
  let u = memo.get(t);
  if (!u) {
    u = {
      name: t.name,
      base: t.base,
      module: t.module,
      range: t.range,
      length: t.length,
      patterns: t.patterns,
      enums: t.enums,
      bits: t.bits,
      fractionDigits: t.fractionDigits,
      path: t.path,
      target: t.target,
      requireInstance: t.requireInstance,
      bases: t.bases,
      union: undefined,
      default: t.default,
      defaultModule: t.defaultModule,
      units: t.units,
      special: t.special,
    };
    // a field added to YangType must be added above, or it would be lost here
    for (const k of Object.keys(t)) if (!(k in u)) throw new Error(`uniformType: the type field "${k}" is not copied`);
    memo.set(t, u);
    if (t.union) u.union = t.union.map((m) => uniformType(m, memo));
  }
  return u;
}

function dedupe(errs: SourceError[]): SourceError[] {
  const seen = new Set<string>();
  return errs.filter((e) => (seen.has(e.message) ? false : (seen.add(e.message), true)));
}
