/**
 * The YANG type system (RFC 7950 section 9): built-in types, derivation
 * with restrictions, XSD patterns, and lexical -> canonical value parsing.
 */
import type { TypeSystem } from './api';
import { builtin } from './builtin';
import { derive } from './derive';
import { parse, toXml } from './value';

export type { TypeSystem, TypeScope, ValuePrefixes, ParseResult, JsonKind } from './api';
export { xsdToRegExp, XsdRegexError } from './xsd-regex';
export { isBuiltinName } from './builtin';

export const types: TypeSystem = { builtin, derive, parse, toXml };
