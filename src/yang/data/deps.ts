/**
 * The data tree's view of its two siblings, the type system and the XPath
 * evaluator (contracts: ../types/api.ts, ../xpath/api.ts). Loaded lazily so
 * the data module's import graph stays acyclic (xpath imports data/node).
 */
import type { ParseResult, ValuePrefixes } from '../types/api';
import type { EvalContext, XPathValue } from '../xpath/api';
import type { Module, XPathExpr, YangType } from '../schema';

interface TypesLike {
  parse(type: YangType, lexical: string, prefixes: ValuePrefixes, json?: boolean): ParseResult;
  toXml(type: YangType, canonical: string): { text: string; modules: Module[] };
}
interface XPathLike {
  evaluate(expr: XPathExpr, ctx: EvalContext): XPathValue;
}

function pick<T>(mod: Record<string, unknown>, names: string[], fn: string): T | null {
  if (typeof mod[fn] === 'function') return mod as unknown as T;
  for (const n of names) {
    const o = mod[n] as Record<string, unknown> | undefined;
    if (o && typeof o[fn] === 'function') return o as unknown as T;
  }
  return null;
}

let typesImpl: TypesLike | null = null;
let xpathImpl: XPathLike | null = null;

export function types(): TypesLike {
  if (!typesImpl) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('../types') as Record<string, unknown>;
    typesImpl = pick<TypesLike>(mod, ['types', 'typeSystem', 'default'], 'parse');
    if (!typesImpl) throw new Error('yang/types does not export parse()');
  }
  return typesImpl;
}

export function xpath(): XPathLike {
  if (!xpathImpl) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('../xpath') as Record<string, unknown>;
    xpathImpl = pick<XPathLike>(mod, ['xpath', 'engine', 'default'], 'evaluate');
    if (!xpathImpl) throw new Error('yang/xpath does not export evaluate()');
  }
  return xpathImpl;
}

/** XPath 1.0 boolean() of a result. */
export function toBoolean(v: XPathValue): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string') return v.length > 0;
  return v;
}
