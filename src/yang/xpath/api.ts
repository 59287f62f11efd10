/**
 * The XPath evaluator's public surface. Implementation: xpath/*.ts.
 *
 * compile(text, resolve): parse an XPath 1.0 expression (with the YANG
 * functions of RFC 7950 section 10). Prefixes in name tests are mapped to
 * module names by `resolve` at compile time (YANG: import prefixes; NETCONF
 * filters: XML namespace declarations mapped to modules). An unprefixed name
 * resolves with resolve(null): in YANG, the module the expression is
 * written in; `undefined` means "any module" (lenient filters).
 *
 * evaluate(expr, ctx): evaluate over a data tree.
 */
import type { DataNode } from '../data/node';
import type { SchemaContext, SchemaNode, XPathExpr } from '../schema';

export type PrefixResolver = (prefix: string | null) => string | undefined;

export type XPathValue = DataNode[] | string | number | boolean;

export interface EvalContext {
  schema: SchemaContext;
  /** context node */
  node: DataNode;
  /** node for current() (defaults to node) */
  current?: DataNode;
  /** the root of the accessible tree */
  root: DataNode;
  variables?: Record<string, XPathValue>;
  /**
   * Optional memo for one pass over a tree that does not change meanwhile
   * (one validation, one filter). Create it with `new Map()`, pass the same
   * Map to every evaluate() of the pass, drop it when the tree changes. With
   * it, absolute paths without current() are evaluated once, `path = value`
   * comparisons against them become set look-ups, children are grouped by
   * schema node and list predicates `[leaf = current()/..]` / `[leaf = 'x']`
   * become keyed look-ups: leafref checks on big trees cost O(1) each.
   */
  cache?: Map<unknown, unknown>;
}

export interface XPathEngine {
  compile(text: string, resolve: PrefixResolver): XPathExpr;
  evaluate(expr: XPathExpr, ctx: EvalContext): XPathValue;
  /** the schema nodes a path expression may select, for leafref targets and NACM paths */
  schemaTargets(expr: XPathExpr, from: SchemaNode, schema: SchemaContext): SchemaNode[];
}
