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

export interface TypeScope {
  module: Module;
  /** resolve "prefix:name" or "name" of an identity in the scope module */
  resolveIdentity(name: string, loc: SourceLoc): Identity;
  /** compile an XPath (leafref path) in the scope module */
  compileXPath(text: string, loc: SourceLoc): XPathExpr;
  /** resolve a nested `type` statement (typedef lookup is the compiler's) */
  resolveType(stmt: Statement): YangType;
}

/** How prefixes in a lexical value map to modules (XML: namespace context; JSON: module names). */
export type ValuePrefixes = (prefix: string) => Module | undefined;

export type ParseResult =
  | { ok: true; value: string; member?: YangType }
  | { ok: false; message: string; appTag?: string; tag?: 'invalid-value' | 'bad-element' };

export interface TypeSystem {
  builtin(name: string, module: Module): YangType | undefined;
  derive(base: YangType, stmt: Statement, scope: TypeScope): YangType;
  parse(type: YangType, lexical: string, prefixes: ValuePrefixes, json?: boolean): ParseResult;
  toXml(type: YangType, canonical: string): { text: string; modules: Module[] };
}
