/** <create-subscription> (RFC 5277 2.1.1) on the NETCONF stream. */
import { AgentError } from '../../errors';
import { childNamed } from '../../xml/dom';
import type { RpcCall } from '../core';
import { NOTIF_NS, Subscription } from '../notify';
import { checkXpathFilter } from '../filter';

function time(call: RpcCall, name: string): Date | undefined {
  const t = childNamed(call.el, NOTIF_NS, name)?.text.trim();
  if (t === undefined) return undefined;
  const d = new Date(t);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(t) || isNaN(d.getTime())) {
    throw new AgentError('bad-element', `${name} "${t}" is not a date-and-time.`, { type: 'protocol', info: { 'bad-element': name } });
  }
  return d;
}

export function createSubscription(call: RpcCall): string {
  const stream = childNamed(call.el, NOTIF_NS, 'stream')?.text.trim() ?? 'NETCONF';
  if (stream !== 'NETCONF') {
    throw new AgentError('invalid-value', `No stream "${stream}"; the server has NETCONF.`, { type: 'protocol', info: { 'bad-element': 'stream' } });
  }
  const f = childNamed(call.el, NOTIF_NS, 'filter');
  let filter: Subscription['filter'];
  if (f) {
    const type = f.attrs.get('{}type') ?? 'subtree';
    if (type === 'xpath') {
      const select = f.attrs.get('{}select');
      if (!select) throw new AgentError('missing-attribute', 'An xpath filter needs select.', { type: 'protocol', info: { 'bad-attribute': 'select', 'bad-element': 'filter' } });
      checkXpathFilter(call.core.ctx, select, f.nsScope); // its errors now, not at each event
      filter = { kind: 'xpath', select, ns: f.nsScope };
    } else filter = { kind: 'subtree', els: f.children };
  }
  const sub: Subscription = {
    session: call.session,
    access: call.access,
    filter,
    start: time(call, 'startTime'),
    stop: time(call, 'stopTime'),
    replaying: false,
  };
  call.core.notifications.subscribe(sub);
  if (sub.start) setImmediate(() => call.core.notifications.startReplay(call.session.id));
  return '';
}
