/**
 * The XPath 1.0 engine with the YANG 1.1 functions: see api.ts.
 */
import { AgentError } from '../../errors';
import type { SchemaContext, SchemaNode, XPathExpr } from '../schema';
import type { EvalContext, PrefixResolver, XPathEngine, XPathValue } from './api';
import type { Ast } from './ast';
import { evaluateAst } from './eval';
import { parse } from './parser';
import { schemaTargetsOf } from './schema-targets';

export type { EvalContext, PrefixResolver, XPathEngine, XPathValue } from './api';

function astOf(expr: XPathExpr): Ast {
  const ast = expr.ast as Ast | undefined;
  if (!ast || typeof ast !== 'object' || !('root' in ast)) {
    throw new AgentError('operation-failed', `XPath expression "${expr.text}" was not compiled by this engine`);
  }
  return ast;
}

export const xpath: XPathEngine = {
  compile(text: string, resolve: PrefixResolver): XPathExpr {
    return { text, ast: parse(text, resolve) };
  },
  evaluate(expr: XPathExpr, ctx: EvalContext): XPathValue {
    return evaluateAst(astOf(expr), expr.text, ctx);
  },
  schemaTargets(expr: XPathExpr, from: SchemaNode, schema: SchemaContext): SchemaNode[] {
    return schemaTargetsOf(astOf(expr), from, schema);
  },
};
