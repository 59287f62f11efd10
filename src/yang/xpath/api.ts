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
}

export interface XPathEngine {
  compile(text: string, resolve: PrefixResolver): XPathExpr;
  evaluate(expr: XPathExpr, ctx: EvalContext): XPathValue;
  /** the schema nodes a path expression may select, for leafref targets and NACM paths */
  schemaTargets(expr: XPathExpr, from: SchemaNode, schema: SchemaContext): SchemaNode[];
}
