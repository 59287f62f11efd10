/**
 * The one place where typed errors become <rpc-error> elements
 * (RFC 6241 section 4.3 and appendix A).
 */
import { AgentError, ErrorList, SourceError } from '../errors';
import { escapeAttr, escapeText } from '../xml/dom';

export const NC_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';

/** Normalise anything thrown into AgentErrors (unknown exceptions become operation-failed). */
export function toAgentErrors(err: unknown): AgentError[] {
  if (err instanceof AgentError) return [err];
  if (err instanceof ErrorList) return err.errors.flatMap((e) => toAgentErrors(e));
  if (err instanceof SourceError) return [new AgentError('operation-failed', err.message)];
  const msg = err instanceof Error ? err.message : String(err);
  return [new AgentError('operation-failed', msg)];
}

/**
 * An error as it may be sent on a session of base version `base`. RFC 6241
 * appendix A: malformed-message "is new in :base:1.1 and MUST NOT be sent
 * to old clients". A base:1.0 session gets what an RFC 4741 server sends for
 * a message it cannot use: operation-failed, error-type rpc (allowed there
 * for that tag). Answering, rather than closing the session, keeps the 1.0
 * client told which message failed, as a 1.1 client is; a framing error that
 * leaves the stream out of sync still closes the session after the reply.
 */
export function forBase(e: AgentError, base: '1.0' | '1.1'): AgentError {
  if (base === '1.1' || e.tag !== 'malformed-message') return e;
  return new AgentError('operation-failed', e.message, { type: 'rpc', info: e.info });
}

/** One <rpc-error> element (no surrounding rpc-reply). */
export function rpcErrorXml(e: AgentError): string {
  const parts: string[] = [];
  parts.push('<rpc-error>');
  parts.push(`<error-type>${e.errorType}</error-type>`);
  parts.push(`<error-tag>${e.tag}</error-tag>`);
  parts.push('<error-severity>error</error-severity>');
  if (e.appTag) parts.push(`<error-app-tag>${escapeText(e.appTag)}</error-app-tag>`);
  if (e.path) {
    let ns = '';
    if (e.pathNs) for (const [p, uri] of Object.entries(e.pathNs)) ns += ` xmlns:${p}="${escapeAttr(uri)}"`;
    parts.push(`<error-path${ns}>${escapeText(e.path)}</error-path>`);
  }
  if (e.message) parts.push(`<error-message xml:lang="en">${escapeText(e.message)}</error-message>`);
  if (e.info && Object.keys(e.info).length > 0) {
    parts.push('<error-info>');
    for (const [k, v] of Object.entries(e.info)) parts.push(`<${k}>${escapeText(v)}</${k}>`);
    parts.push('</error-info>');
  }
  parts.push('</rpc-error>');
  return parts.join('');
}

/** A complete rpc-reply carrying errors. `attrs` are the rpc's attributes to echo (message-id ...). */
export function rpcReplyErrors(errors: AgentError[], attrs: string): string {
  return `<rpc-reply xmlns="${NC_NS}"${attrs}>${errors.map(rpcErrorXml).join('')}</rpc-reply>`;
}
