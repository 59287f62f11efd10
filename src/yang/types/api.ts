/**
 * The type system's public surface. Implementation: types/*.ts.
 *
 * - builtin(name, module): the YangType of a built-in type.
 * - derive(base, stmt, scope): apply the restrictions of a `type` statement
 *   (range, length, pattern, enum, bit, fraction-digits, path,
 *   require-instance, base, nested union types) to a base type, checking
 *   that each restriction narrows the base (RFC 7950 9.2.4, 9.4.4 ...).
 * - parse(type, lexical, prefixes): check a lexical value and return its
 *   canonical RFC 7951 form, or a typed problem (never throws).
 * - toXml(type, canonical): the XML text of a canonical value and the
 *   modules whose prefixes it uses (identityref, instance-identifier).
 */
import type { Identity, Module, SourceLoc, Statement, XPathExpr, YangType } from '../schema';

/**
 * Typedefs whose values libyang reads and prints with a type plugin of its
 * own (a canonical form beyond the built-in type's, or extra checks):
 * recognised by module and typedef name anywhere along the derivation chain.
 */
export type SpecialType =
  | 'ipv4-address'
  | 'ipv6-address'
  | 'ipv4-prefix'
  | 'ipv6-prefix'
  | 'xpath1.0'
  | 'node-instance-identifier';

export const SPECIAL_TYPEDEFS: ReadonlyMap<string, SpecialType> = new Map<string, SpecialType>([
  ['ietf-inet-types:ipv4-address', 'ipv4-address'],
  ['ietf-inet-types:ipv4-address-no-zone', 'ipv4-address'],
  ['ietf-inet-types:ipv6-address', 'ipv6-address'],
  ['ietf-inet-types:ipv6-address-no-zone', 'ipv6-address'],
  ['ietf-inet-types:ipv4-prefix', 'ipv4-prefix'],
  ['ietf-inet-types:ipv6-prefix', 'ipv6-prefix'],
  ['ietf-yang-types:xpath1.0', 'xpath1.0'],
  ['ietf-netconf-acm:node-instance-identifier', 'node-instance-identifier'],
]);

declare module '../schema' {
  interface YangType {
    /**
     * set by derive() when the type is (derived from) one of
     * SPECIAL_TYPEDEFS; kept through further derivation
     */
    special?: SpecialType;
  }
}

export interface TypeScope {
  module: Module;
  /** resolve "prefix:name" or "name" of an identity in the scope module */
  resolveIdentity(name: string, loc: SourceLoc): Identity;
  /** compile an XPath (leafref path) in the scope module */
  compileXPath(text: string, loc: SourceLoc): XPathExpr;
  /** resolve a nested `type` statement (typedef lookup is the compiler's) */
  resolveType(stmt: Statement): YangType;
  /**
   * optional: whether the if-feature substatements of an enum or bit
   * statement are all enabled (a disabled enum/bit is left out). Absent: all are.
   */
  isEnabled?(stmt: Statement): boolean;
}

/** How prefixes in a lexical value map to modules (XML: namespace context; JSON: module names). */
export type ValuePrefixes = (prefix: string) => Module | undefined;

export type ParseResult =
  | { ok: true; value: string; member?: YangType }
  | { ok: false; message: string; appTag?: string; tag?: 'invalid-value' | 'bad-element' };

/**
 * The JSON token a value came from (RFC 7951 section 6): int8..uint32 are
 * numbers, int64/uint64/decimal64 strings, boolean true/false, empty [null].
 * Given to parse() with json=true, a wrong token kind is an invalid value
 * (and selects the union member, RFC 7951 6.10).
 */
export type JsonKind = 'string' | 'number' | 'boolean' | 'empty';

export interface TypeSystem {
  builtin(name: string, module: Module): YangType | undefined;
  derive(base: YangType, stmt: Statement, scope: TypeScope): YangType;
  parse(type: YangType, lexical: string, prefixes: ValuePrefixes, json?: boolean, jsonKind?: JsonKind): ParseResult;
  /**
   * `modules` (optional) maps a module name to the Module, for
   * instance-identifier values whose first node is in a module the type's
   * module does not import.
   */
  toXml(
    type: YangType,
    canonical: string,
    modules?: (name: string) => Module | undefined,
  ): { text: string; modules: Module[] };
}
