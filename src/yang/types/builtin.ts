/**
 * The 19 built-in types of RFC 7950 section 4.2.4 and their implicit limits.
 */
import type { BuiltinType, Interval, Module, RangeRestriction, YangType } from '../schema';

export const INT_LIMITS: Partial<Record<BuiltinType, Interval>> = {
  int8: { min: -128n, max: 127n },
  int16: { min: -32768n, max: 32767n },
  int32: { min: -2147483648n, max: 2147483647n },
  int64: { min: -9223372036854775808n, max: 9223372036854775807n },
  uint8: { min: 0n, max: 255n },
  uint16: { min: 0n, max: 65535n },
  uint32: { min: 0n, max: 4294967295n },
  uint64: { min: 0n, max: 18446744073709551615n },
};

/** decimal64 values are int64 scaled by 10^fraction-digits. */
export const DEC64_LIMITS: Interval = { min: -9223372036854775808n, max: 9223372036854775807n };

/** implicit length limits of string and binary */
export const LENGTH_LIMITS: Interval = { min: 0n, max: 18446744073709551615n };

const BUILTIN_NAMES: ReadonlySet<string> = new Set<BuiltinType>([
  'binary', 'bits', 'boolean', 'decimal64', 'empty', 'enumeration', 'identityref',
  'instance-identifier', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32',
  'uint64', 'leafref', 'string', 'union',
]);

export function isBuiltinName(name: string): name is BuiltinType {
  return BUILTIN_NAMES.has(name);
}

export function isIntegerType(b: BuiltinType): boolean {
  return INT_LIMITS[b] !== undefined;
}

export function implicitRange(b: BuiltinType): RangeRestriction | undefined {
  const lim = INT_LIMITS[b];
  if (!lim) return undefined;
  return { intervals: [{ min: lim.min, max: lim.max }], text: `${lim.min}..${lim.max}` };
}

/** The YangType of a built-in type, or undefined for any other name. */
export function builtin(name: string, module: Module): YangType | undefined {
  if (!isBuiltinName(name)) return undefined;
  const t: YangType = {
    name,
    base: name,
    module,
    patterns: [],
    requireInstance: name === 'leafref' || name === 'instance-identifier',
  };
  const r = implicitRange(name);
  if (r) t.range = r;
  return t;
}
