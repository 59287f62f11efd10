/**
 * The NETCONF hello exchange (RFC 6241 section 8.1, RFC 6242 section 4.1):
 * the server hello, parsing and checking a client hello, and choosing the
 * base protocol version (and with it the framing) both sides support.
 */
import { SaxesParser } from 'saxes';
import { AgentError } from '../errors';

export const NETCONF_BASE_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';
export const CAP_BASE_10 = 'urn:ietf:params:netconf:base:1.0';
export const CAP_BASE_11 = 'urn:ietf:params:netconf:base:1.1';

export type BaseVersion = '1.0' | '1.1';

/** A client hello that must end the session (RFC 6241 8.1). */
export class HelloError extends AgentError {
  constructor(message: string) {
    super('malformed-message', message, { type: 'rpc' });
    this.name = 'HelloError';
  }
}

export interface ClientHello {
  capabilities: string[];
}

const MAX_DEPTH = 8;
const MAX_CAPABILITIES = 10_000;

export function xmlEscape(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

/** The server's hello, as sent (without framing). */
export function buildServerHello(capabilities: readonly string[], sessionId: number): string {
  const caps = capabilities.map((c) => `<capability>${xmlEscape(c)}</capability>`).join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<hello xmlns="${NETCONF_BASE_NS}"><capabilities>${caps}</capabilities>` +
    `<session-id>${sessionId}</session-id></hello>`
  );
}

/**
 * Parse a client hello. Throws HelloError for garbage, a wrong root or
 * namespace, a DOCTYPE or entity, a session-id element, or a hello without
 * any base capability.
 */
export function parseClientHello(xml: string): ClientHello {
  const parser = new SaxesParser({ xmlns: true, position: false });
  const caps: string[] = [];
  let depth = 0;
  let sawRoot = false;
  let sawCapabilities = false;
  // path of local names from the root, only for elements in the base namespace
  const stack: string[] = [];
  let capText: string | null = null;
  let failure: HelloError | null = null;

  const fail = (msg: string): never => {
    throw new HelloError(msg);
  };

  parser.on('doctype', () => fail('DOCTYPE is not allowed in a hello'));
  parser.on('processinginstruction', () => fail('processing instructions are not allowed in a hello'));
  parser.on('opentag', (tag) => {
    depth++;
    if (depth > MAX_DEPTH) fail('hello nested too deeply');
    const ns = tag.uri ?? '';
    const inBase = ns === NETCONF_BASE_NS;
    if (depth === 1) {
      if (sawRoot) fail('more than one root element');
      sawRoot = true;
      if (tag.local !== 'hello' || !inBase) fail(`expected <hello> in ${NETCONF_BASE_NS}, got {${ns}}${tag.local}`);
    } else if (depth === 2 && inBase) {
      if (tag.local === 'session-id') fail('a client hello must not carry a session-id');
      if (tag.local === 'capabilities') {
        if (sawCapabilities) fail('more than one <capabilities> element');
        sawCapabilities = true;
      }
    } else if (depth === 3 && inBase && stack[1] === 'capabilities' && tag.local === 'capability') {
      capText = '';
    }
    stack.push(inBase ? tag.local : '');
  });
  parser.on('text', (t) => {
    if (capText !== null) capText += t;
    else if (depth === 0 && t.trim() !== '') fail('text outside the hello element');
  });
  parser.on('cdata', (t) => {
    if (capText !== null) capText += t;
  });
  parser.on('closetag', () => {
    if (depth === 3 && capText !== null) {
      const c = capText.trim();
      if (c === '') fail('empty <capability>');
      if (caps.length >= MAX_CAPABILITIES) fail('too many capabilities');
      caps.push(c);
      capText = null;
    }
    stack.pop();
    depth--;
  });
  parser.on('error', (e) => {
    // saxes reports through this handler; keep the first problem
    if (!failure) failure = new HelloError(`hello is not well-formed XML: ${e.message}`);
  });

  try {
    parser.write(xml).close();
  } catch (e) {
    if (e instanceof HelloError) throw e;
    throw new HelloError(`hello is not well-formed XML: ${(e as Error).message}`);
  }
  if (failure) throw failure;
  if (!sawRoot) fail('empty hello');
  if (!sawCapabilities) fail('hello without <capabilities>');
  if (!caps.includes(CAP_BASE_10) && !caps.includes(CAP_BASE_11)) {
    fail('hello without a base capability (urn:ietf:params:netconf:base:1.0 or :1.1)');
  }
  return { capabilities: caps };
}

/**
 * The base version both sides support: 1.1 (chunked framing) if both
 * advertise it, else 1.0 (end-of-message framing). Null when there is no
 * common version (the session must be closed).
 */
export function negotiateBase(server: readonly string[], client: readonly string[]): BaseVersion | null {
  if (server.includes(CAP_BASE_11) && client.includes(CAP_BASE_11)) return '1.1';
  if (server.includes(CAP_BASE_10) && client.includes(CAP_BASE_10)) return '1.0';
  return null;
}
