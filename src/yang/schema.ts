/**
 * The compiled schema: the contract between the YANG parser/compiler, the
 * type system, the XPath evaluator and the data tree. Nothing here knows
 * NETCONF.
 *
 * Conventions
 * - A SchemaNode's `module` is the module whose namespace the node is in
 *   (for a node added by an augment, the augmenting module).
 * - Names of data nodes are compared by (module name, local name).
 * - Values of leaves are kept as canonical strings in RFC 7951 (JSON) form:
 *   identityref "module-name:identity", instance-identifier
 *   "/module-name:a/b[k='v']" (module name on the first node and wherever the
 *   module changes). XML conversion maps module names to prefixes.
 */

export interface SourceLoc {
  file: string;
  line: number;
  col: number;
}

/** A raw parsed YANG statement (RFC 7950 section 6.3). */
export interface Statement {
  /** keyword, e.g. "container"; for an extension use: "prefix:name". */
  keyword: string;
  /** argument string after quoting/concatenation is resolved, or null. */
  arg: string | null;
  subs: Statement[];
  loc: SourceLoc;
}

export type BuiltinType =
  | 'binary'
  | 'bits'
  | 'boolean'
  | 'decimal64'
  | 'empty'
  | 'enumeration'
  | 'identityref'
  | 'instance-identifier'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'leafref'
  | 'string'
  | 'union';

export interface Restriction {
  errorMessage?: string;
  errorAppTag?: string;
}

/** Integer ranges are bigint; decimal64 ranges are bigint scaled by 10^fraction-digits. */
export interface Interval {
  min: bigint;
  max: bigint;
}

export interface RangeRestriction extends Restriction {
  intervals: Interval[];
  text: string;
}

export interface PatternRestriction extends Restriction {
  /** the XSD regular expression as written */
  source: string;
  /** translated, anchored JavaScript regex (flag 'u') */
  regex: RegExp;
  invert: boolean;
}

export interface EnumItem {
  name: string;
  value: number;
}

export interface BitItem {
  name: string;
  position: number;
}

export interface YangType {
  /** the name as written: a builtin name or a (prefixed) typedef name */
  name: string;
  base: BuiltinType;
  /** module in whose scope the type statement was written */
  module: Module;
  range?: RangeRestriction;
  length?: RangeRestriction;
  patterns: PatternRestriction[];
  enums?: EnumItem[];
  bits?: BitItem[];
  fractionDigits?: number;
  /** leafref: the path expression, compiled in `module`'s prefix scope */
  path?: XPathExpr;
  /** leafref: the target leaf/leaf-list schema node (resolved after compile) */
  target?: SchemaNode;
  /** leafref and instance-identifier */
  requireInstance: boolean;
  /** identityref */
  bases?: Identity[];
  /** union member types */
  union?: YangType[];
  /** default from the typedef chain (lexical, in `defaultModule` scope) */
  default?: string;
  defaultModule?: Module;
  units?: string;
}

export interface Identity {
  name: string;
  module: Module;
  bases: Identity[];
  /** every identity derived (directly or transitively) from this one */
  derived: Set<Identity>;
  /** true when its if-features are all enabled */
  enabled: boolean;
  status: Status;
}

export interface Feature {
  name: string;
  module: Module;
  enabled: boolean;
}

export interface ExtensionInstance {
  /** module name that defines the extension, e.g. "ietf-netconf-acm" */
  module: string;
  name: string;
  arg: string | null;
}

export type Status = 'current' | 'deprecated' | 'obsolete';

export type NodeKind =
  | 'root'
  | 'container'
  | 'list'
  | 'leaf'
  | 'leaf-list'
  | 'choice'
  | 'case'
  | 'anydata'
  | 'anyxml'
  | 'rpc'
  | 'action'
  | 'input'
  | 'output'
  | 'notification';

/** A compiled XPath expression (see xpath/). */
export interface XPathExpr {
  text: string;
  /** opaque AST owned by the XPath module */
  ast: unknown;
}

export interface Constraint {
  xpath: XPathExpr;
  errorMessage?: string;
  errorAppTag?: string;
  /**
   * for `when`: 'self' when written on the node itself (RFC 7950 7.21.5:
   * context is the node, or a dummy of it); 'ancestor' when inherited from
   * uses/augment/choice/case (context is the closest data ancestor of the
   * statement's parent, i.e. `contextNode`).
   */
  context: 'self' | 'ancestor';
  /** for an inherited when: the schema node that is the context (data node or root) */
  contextNode?: SchemaNode;
  loc: SourceLoc;
}

export interface UniqueConstraint {
  /** each entry: the descendant path from the list entry to a leaf */
  leaves: SchemaNode[][];
  text: string;
}

export interface SchemaNode {
  kind: NodeKind;
  name: string;
  module: Module;
  parent: SchemaNode | null;
  /** schema children in definition order (choice and case included) */
  children: SchemaNode[];
  /**
   * data children reachable without crossing a data node (choice/case are
   * transparent), keyed `${moduleName}:${name}`
   */
  dataChildren: Map<string, SchemaNode>;
  /**
   * data children left out because an if-feature is false, keyed as
   * dataChildren, with their if-feature arguments: a parser names the
   * feature instead of calling such an element unknown
   */
  featureless?: Map<string, string>;
  config: boolean;
  status: Status;
  mandatory: boolean;
  /** container only */
  presence: boolean;
  /** list only: key leaves in key order */
  keys: SchemaNode[];
  minElements: number;
  /** Infinity when unbounded */
  maxElements: number;
  orderedBy: 'system' | 'user';
  unique: UniqueConstraint[];
  /** leaf / leaf-list */
  type?: YangType;
  /** lexical defaults (leaf: 0..1; leaf-list: 0..n), in `module`-scope of the default stmt */
  defaults: string[];
  /**
   * the module in whose prefix scope `defaults` are written (the module of
   * the default statement, or of the typedef whose default is inherited);
   * absent when there are no defaults (then `module`)
   */
  defaultModule?: Module;
  /** choice: the default case */
  defaultCase?: SchemaNode;
  units?: string;
  must: Constraint[];
  when: Constraint[];
  extensions: ExtensionInstance[];
  /** shortcut derived from extensions (ietf-netconf-acm) */
  nacm: 'default-deny-all' | 'default-deny-write' | null;
  description?: string;
  loc: SourceLoc;
  /**
   * the XML writers' tag strings of this node (yang/data/xml.ts), made at
   * its first use: a field of the node, not a WeakMap, because they are
   * looked up for every node written
   */
  xmlTags: unknown;
}

export interface Module {
  name: string;
  namespace: string;
  prefix: string;
  revision?: string;
  yangVersion: '1' | '1.1';
  file: string;
  /** implemented (its data nodes are in the schema) or import-only */
  implemented: boolean;
  /** prefix -> module, including the module's own prefix */
  imports: Map<string, Module>;
  submodules: { name: string; revision?: string; file: string }[];
  features: Map<string, Feature>;
  identities: Map<string, Identity>;
  /** modules that deviate this one */
  deviatedBy: Module[];
  /** top-level data nodes in this module's namespace (also reachable from context.root) */
  data: SchemaNode[];
  rpcs: SchemaNode[];
  notifications: SchemaNode[];
  /** the source text, for get-schema */
  source: string;
}

export interface SchemaContext {
  /** every loaded module by name (one revision per name) */
  modules: Map<string, Module>;
  byNamespace: Map<string, Module>;
  /** synthetic root whose dataChildren are all top-level data nodes of implemented modules */
  root: SchemaNode;
  /** module-set id (hash of names, revisions, features, deviations) */
  moduleSetId: string;
}
