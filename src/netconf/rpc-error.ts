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
