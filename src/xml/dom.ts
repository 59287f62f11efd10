/**
 * The namespace-aware element tree for protocol envelopes (NETCONF rpc,
 * hello, filters). It is the same element shape the YANG engine's XML
 * reader takes, so an operation hands its <config> element to the engine
 * without a second parse. One saxes walker serves both
 * (src/yang/data/xmldoc.ts): DOCTYPE, entity declarations and undeclared
 * entities are refused, nesting depth is bounded.
 */
import { AgentError } from '../errors';
import { escapeAttr, escapeText, parseDocument, XmlElementLike } from '../yang/data/xmldoc';

export type XmlElement = XmlElementLike;
export { escapeAttr, escapeText };

export interface ParseLimits {
  maxDepth?: number;
}

/** Parse a document holding exactly one root element, and return that element. */
export function parseXmlDocument(text: string, limits: ParseLimits = {}): XmlElement {
  const top = parseDocument(text, undefined, limits.maxDepth ?? 256);
  if (top.children.length !== 1) {
    throw new AgentError('malformed-message', top.children.length ? 'more than one root element' : 'empty XML document', { type: 'rpc' });
  }
  return top.children[0];
}

/** Child elements with the given namespace and local name. */
export function childrenNamed(el: XmlElement, ns: string, local: string): XmlElement[] {
  return el.children.filter((c) => c.local === local && c.ns === ns);
}

export function childNamed(el: XmlElement, ns: string, local: string): XmlElement | undefined {
  return el.children.find((c) => c.local === local && c.ns === ns);
}
