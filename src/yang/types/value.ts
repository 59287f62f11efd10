import type { Module, YangType } from '../schema';
import type { JsonKind, ParseResult, ValuePrefixes } from './api';

// placeholder until the value parser lands (next commit)
export function parse(type: YangType, lexical: string, _p: ValuePrefixes, _json?: boolean, _k?: JsonKind): ParseResult {
  return { ok: true, value: lexical };
}
export function toXml(_type: YangType, canonical: string): { text: string; modules: Module[] } {
  return { text: canonical, modules: [] };
}
