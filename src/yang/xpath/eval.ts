import { AgentError } from '../../errors';
import type { EvalContext, XPathValue } from './api';
import type { Ast } from './ast';

export function evaluateAst(_ast: Ast, text: string, _ctx: EvalContext): XPathValue {
  throw new AgentError('operation-not-supported', `XPath evaluation not implemented yet ("${text}")`);
}
