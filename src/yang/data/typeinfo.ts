/** Facts about leaf types the data tree needs often, cached per type. */
import type { Module, YangType } from '../schema';
import { types } from './deps';

const prefixedCache = new WeakMap<YangType, boolean>();

/** The type values are checked against: a leafref resolves to its target's type. */
export function effective(type: YangType): YangType {
  let t = type;
  for (let i = 0; i < 32 && t.base === 'leafref' && t.target?.type; i++) t = t.target.type;
  return t;
}

/** true when the XML text of a value may differ from its canonical JSON form (prefixes). */
export function hasPrefixedValues(type: YangType): boolean {
  let r = prefixedCache.get(type);
  if (r === undefined) {
    const t = effective(type);
    if (t.base === 'identityref' || t.base === 'instance-identifier') r = true;
    else if (t.special === 'xpath1.0' || t.special === 'node-instance-identifier') r = true;
    else if (t.base === 'union') r = (t.union ?? []).some((m) => hasPrefixedValues(m));
    else r = false;
    prefixedCache.set(type, r);
  }
  return r;
}

const NO_MODULES: Module[] = [];

/** XML text of a canonical value, and the modules whose prefixes it uses. */
export function valueToXml(type: YangType | undefined, canonical: string): { text: string; modules: Module[] } {
  if (!type || !hasPrefixedValues(type)) return { text: canonical, modules: NO_MODULES };
  return types().toXml(type, canonical);
}

export type JsonKind = 'number' | 'string' | 'boolean' | 'empty' | 'union';

export function jsonKind(type: YangType | undefined): JsonKind {
  if (!type) return 'string';
  const t = effective(type);
  switch (t.base) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint8':
    case 'uint16':
    case 'uint32':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'empty':
      return 'empty';
    case 'union':
      return 'union';
    default:
      return 'string';
  }
}
