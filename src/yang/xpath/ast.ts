/**
 * The XPath AST stored (opaque to everyone else) in XPathExpr.ast.
 *
 * Everything that can be decided at compile time is decided here: prefixes are
 * resolved to module names, literals carry their number value, function calls
 * carry their implementation id, steps know whether their predicates depend on
 * the context position.
 */
import type { PrefixResolver } from './api';

export type Axis =
  | 'ancestor'
  | 'ancestor-or-self'
  | 'attribute'
  | 'child'
  | 'descendant'
  | 'descendant-or-self'
  | 'following'
  | 'following-sibling'
  | 'namespace'
  | 'parent'
  | 'preceding'
  | 'preceding-sibling'
  | 'self';

export const AXES: ReadonlySet<string> = new Set<Axis>([
  'ancestor',
  'ancestor-or-self',
  'attribute',
  'child',
  'descendant',
  'descendant-or-self',
  'following',
  'following-sibling',
  'namespace',
  'parent',
  'preceding',
  'preceding-sibling',
  'self',
]);

export const REVERSE_AXES: ReadonlySet<Axis> = new Set<Axis>([
  'ancestor',
  'ancestor-or-self',
  'preceding',
  'preceding-sibling',
]);

/**
 * Node tests. `module` undefined means any module.
 * - name: a (prefix:)name test
 * - any: `*` (module undefined) or `prefix:*`
 * - node: node()
 * - none: text(), comment(), processing-instruction(): never match in our data model
 */
export type NodeTest =
  | { k: 'name'; module: string | undefined; name: string; key?: string }
  | { k: 'any'; module: string | undefined }
  | { k: 'node' }
  | { k: 'none'; type: string };

export interface Step {
  axis: Axis;
  test: NodeTest;
  preds: Expr[];
  /** some predicate may use the context position/size (number-valued, position(), last()) */
  posDep: boolean;
  /**
   * set when the first predicate is `leaf = X` (either order) where leaf is a
   * child name test and X does not depend on the predicate's context node
   * (a literal, current(), a path from current() or from the root): with an
   * evaluation cache such a step is a keyed look-up
   */
  keyed?: { leaf: NodeTest & { k: 'name'; key: string }; other: Expr; rest: Expr[] };
}

export type CmpOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | 'div' | 'mod';

/** a string literal that reads as "prefix:name" with a known prefix, resolved at compile time */
export interface QNameRef {
  module: string;
  name: string;
}

export type Expr =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string; num: number; qname?: QNameRef; regex?: RegExp | null }
  | { t: 'var'; name: string }
  | { t: 'or'; l: Expr; r: Expr }
  | { t: 'and'; l: Expr; r: Expr }
  | { t: 'cmp'; op: CmpOp; l: Expr; r: Expr }
  | { t: 'arith'; op: ArithOp; l: Expr; r: Expr }
  | { t: 'neg'; e: Expr }
  | { t: 'union'; l: Expr; r: Expr }
  | { t: 'call'; name: string; args: Expr[] }
  /** a primary expression with predicates (XPath FilterExpr) */
  | { t: 'filter'; e: Expr; preds: Expr[] }
  /**
   * a location path; `start` is a filter expression the steps continue from
   * (PathExpr: FilterExpr '/' RelativeLocationPath), else the root (abs) or
   * the context node
   */
  | {
      t: 'path';
      abs: boolean;
      start: Expr | null;
      steps: Step[];
      /** relative (or from current()), only child name / parent / self steps, no predicates */
      simple?: boolean;
      /** absolute and free of current() and variables: the same node-set for every context */
      ctxFree?: boolean;
    };

/** a name test with a known module also carries its dataChildren/index key `${module}:${name}` */

export interface Ast {
  root: Expr;
  /** the resolver the expression was compiled with (for dynamic identity names) */
  resolve: PrefixResolver;
  /** module of unprefixed names (resolve(null)) */
  defaultModule: string | undefined;
}
