/** <get-schema> (RFC 6022 3.1): the YANG source of a loaded module. */
import { AgentError } from '../../errors';
import { childNamed } from '../../xml/dom';
import { escapeText } from '../../xml/dom';
import type { RpcCall } from '../core';

const MON = 'urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring';

export function getSchema(call: RpcCall): string {
  const id = childNamed(call.el, MON, 'identifier')?.text.trim();
  if (!id) throw new AgentError('missing-element', 'get-schema needs <identifier>.', { type: 'protocol', info: { 'bad-element': 'identifier' } });
  const version = childNamed(call.el, MON, 'version')?.text.trim();
  const format = childNamed(call.el, MON, 'format')?.text.trim();
  if (format && !/(^|:)yang$/.test(format)) {
    throw new AgentError('invalid-value', `Format "${format}" is not available; only yang is.`, { info: { 'bad-element': 'format' } });
  }
  const m = call.core.ctx.modules.get(id);
  if (!m || (version && (m.revision ?? '') !== version)) {
    throw new AgentError('invalid-value', `No schema "${id}"${version ? ` revision ${version}` : ''}.`, { info: { 'bad-element': 'identifier' } });
  }
  return `<data xmlns="${MON}">${escapeText(m.source)}</data>`;
}
