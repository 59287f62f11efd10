/**
 * The namespace-aware element tree for protocol envelopes (NETCONF rpc,
 * hello, filters). It is the same element shape the YANG engine's XML
 * reader takes, so an operation hands its <config> element to the engine
 * without a second parse. Plain documents (the usual RPC) are read by the
 * data reader's fast scanner (src/yang/data/xmlscan.ts); everything else by
 * the one saxes walker (src/yang/data/xmldoc.ts), which gives every error:
 * DOCTYPE, entity declarations and undeclared entities are refused, nesting
 * depth is bounded.
 */
import { AgentError } from '../errors';
import { afterDeclaration, escapeAttr, escapeText, parseDocument, XmlElementLike } from '../yang/data/xmldoc';
import { scanXml } from '../yang/data/xmlscan';
import type { Builder } from '../yang/data/xml';

export type XmlElement = XmlElementLike;
export { escapeAttr, escapeText };

export interface ParseLimits {
  maxDepth?: number;
}


/**
 * Element-tree sink for the fast scanner (src/yang/data/xmlscan.ts): the
 * same elements, scopes, text and line numbers as parseDocument's saxes
 * walker gives for the plain documents the scanner accepts.
 */
class TreeSink {
  readonly top: XmlElementLike = { ns: '', local: '', prefix: '', attrs: new Map(), children: [], text: '', nsScope: {}, line: 1 };
  private readonly stack: XmlElementLike[] = [this.top];

  scope(): Record<string, string> {
    return this.stack[this.stack.length - 1].nsScope;
  }

  start(ns: string, local: string, prefix: string, attrs: Map<string, string>, scope: Record<string, string>, line: number): void {
    const el: XmlElementLike = { ns, local, prefix, attrs, children: [], text: '', nsScope: scope, line };
    this.stack[this.stack.length - 1].children.push(el);
    this.stack.push(el);
  }

  end(): void {
    this.stack.pop();
  }

  text(t: string): void {
    this.stack[this.stack.length - 1].text += t;
  }
}

/**
 * The top-level element list of `text`, read by the fast scanner when the
 * text is plain XML; anything else (and every malformed text) goes through
 * parseDocument (saxes), which gives the error messages.
 */
function parseTop(text: string, maxDepth: number): XmlElementLike {
  const { body, lineShift } = afterDeclaration(text);
  const sink = new TreeSink();
  // the scanner only calls scope/start/end/text, which TreeSink provides
  if (scanXml(body, lineShift, maxDepth, sink as unknown as Builder)) return sink.top;
  return parseDocument(text, undefined, maxDepth);
}

/** Parse a document holding exactly one root element, and return that element. */
export function parseXmlDocument(text: string, limits: ParseLimits = {}): XmlElement {
  const top = parseTop(text, limits.maxDepth ?? 256);
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
