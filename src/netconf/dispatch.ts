/**
 * The one gate for NETCONF RPCs: parse the <rpc>, check message-id, find
 * the operation, check exec permission, run it, map every error to
 * rpc-error (netconf/rpc-error.ts) and build the rpc-reply with the rpc's
 * attributes echoed (RFC 6241 4.2).
 */
import { AgentError } from '../errors';
import { parseXmlDocument, XmlElement, escapeAttr } from '../xml/dom';
import { parseXml, toXml } from '../yang/data';
import type { AgentCore, ModuleRpc, OpHandler, ReplyBody, RpcCall } from './core';
import type { NetconfSession, OutMessage } from './transport';
import { forBase, NC_NS, rpcReplyErrors, toAgentErrors } from './rpc-error';
import { BASE_OPS } from './ops';
import { checkParams } from './ops/common';
import { NOTIF_NS } from './notify';
import { sanitizeErrors } from '../nacm/enforce';
import type { SchemaNode } from '../yang/schema';
import type { DataNode } from '../yang/data/node';

export const MONITORING_NS = 'urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring';

/** operations handled here by (namespace, name) -> module name for NACM */
const SPECIAL: Record<string, { module: string; name: string }> = {
  [`${MONITORING_NS}|get-schema`]: { module: 'ietf-netconf-monitoring', name: 'get-schema' },
  [`${NOTIF_NS}|create-subscription`]: { module: 'notifications', name: 'create-subscription' },
};

export class Dispatcher {
  /** the YANG rpc of each base operation by `ns|name` (null: none compiled) */
  private readonly rpcSchemas = new Map<string, SchemaNode | null>();

  constructor(private core: AgentCore) {}

  /**
   * Handle one framed message; returns the reply (null: nothing to send),
   * without a promise when the operation answers at once.
   */
  handle(session: NetconfSession, text: string): OutMessage | null | Promise<OutMessage | null> {
    let rpc: XmlElement;
    try {
      rpc = parseXmlDocument(text);
    } catch (e) {
      return this.errors(session, toAgentErrors(e), '');
    }
    // RFC 6241 appendix A allows only error-type protocol or application for
    // unknown-element, missing-element and bad-element (here and below)
    if (rpc.ns !== NC_NS || rpc.local !== 'rpc') {
      const e = new AgentError('unknown-element', `Expected <rpc> in ${NC_NS}, got <${rpc.local}>.`, {
        type: 'protocol',
        info: { 'bad-element': rpc.local },
      });
      return this.errors(session, [e], '');
    }
    const attrs = echoAttributes(rpc);
    if (!rpc.attrs.has('{}message-id')) {
      const e = new AgentError('missing-attribute', 'The <rpc> element has no message-id attribute.', {
        type: 'rpc',
        info: { 'bad-attribute': 'message-id', 'bad-element': 'rpc' },
      });
      return this.errors(session, [e], attrs);
    }
    const ops = rpc.children;
    if (ops.length !== 1) {
      const e =
        ops.length === 0
          ? new AgentError('missing-element', 'The <rpc> element holds no operation.', { type: 'protocol', info: { 'bad-element': 'rpc' } })
          : new AgentError('bad-element', 'The <rpc> element holds more than one operation.', { type: 'protocol', info: { 'bad-element': ops[1].local } });
      return this.errors(session, [e], attrs);
    }
    const el = baseOperation(ops[0]);
    const access = this.core.accessFor(session);
    const call: RpcCall = { session, access, core: this.core, el };
    session.stats.inRpcs++;
    this.core.stats.inRpcs++;
    try {
      const body = this.run(call, el);
      if (typeof body === 'string' || !('then' in body)) return reply(body, attrs);
      return body.then(
        (b) => reply(b, attrs),
        (e) => this.failed(session, access, e, attrs),
      );
    } catch (e) {
      return this.failed(session, access, e, attrs);
    }
  }

  /** NACM: an error never names a node the user may not read */
  private failed(session: NetconfSession, access: RpcCall['access'], e: unknown, attrs: string): string {
    return this.errors(session, sanitizeErrors(access, toAgentErrors(e)), attrs, false);
  }

  private run(call: RpcCall, el: XmlElement): ReplyBody | Promise<ReplyBody> {
    const { access } = call;
    if (el.ns === NC_NS) {
      const op: OpHandler | undefined = NC_OPS.has(el.local) ? BASE_OPS[el.local] : undefined;
      if (!op) throw unknownOperation(el);
      if (!access.canExec('ietf-netconf', el.local)) throw this.denied(el);
      this.checkParams(el);
      return op(call);
    }
    const special = SPECIAL[`${el.ns}|${el.local}`];
    if (special) {
      if (!access.canExec(special.module, special.name)) throw this.denied(el);
      const op = BASE_OPS[el.local];
      this.checkParams(el);
      return op(call);
    }
    const mod = this.core.moduleRpcs.get(`${el.ns}|${el.local}`);
    if (!mod) {
      // NACM: an operation of the model the user may not run is denied whether or not it is implemented
      const schema = this.core.ctx.byNamespace.get(el.ns)?.rpcs.find((r) => r.name === el.local);
      if (schema && !access.canExec(schema.module.name, schema.name)) throw this.denied(el);
      throw unknownOperation(el);
    }
    if (!access.canExec(mod.schema.module.name, mod.schema.name)) throw this.denied(el);
    return this.runModuleRpc(call, el, mod);
  }

  /** access-denied for the operation `el`, its error-path with the prefix of the operation's module */
  private denied(el: XmlElement): AgentError {
    return denied(el, this.core.ctx.byNamespace.get(el.ns)?.prefix);
  }

  /** a base operation's parameters against its YANG input (ops/common.ts checkParams); the module RPCs' input is parsed by the engine */
  private checkParams(el: XmlElement): void {
    const key = `${el.ns}|${el.local}`;
    let rpc = this.rpcSchemas.get(key);
    if (rpc === undefined) {
      rpc = this.core.ctx.byNamespace.get(el.ns)?.rpcs.find((r) => r.name === el.local) ?? null;
      this.rpcSchemas.set(key, rpc);
    }
    // every base operation is in the compiled modules (ietf-netconf, ietf-netconf-monitoring, notifications)
    if (rpc) checkParams(this.core.ctx, rpc, el);
  }

  private async runModuleRpc(call: RpcCall, el: XmlElement, mod: ModuleRpc): Promise<ReplyBody> {
    const input = parseXml(this.core.ctx, { ...el, children: [el], local: '', ns: '', attrs: new Map(), text: '', prefix: '' }, { type: 'rpc' });
    const rpcNode = input.children[0];
    checkMandatoryInput(mod.schema, rpcNode);
    const out = await mod.handler(rpcNode, call);
    if (!out || out.children.length === 0) return '';
    return toXml(out);
  }

  /**
   * RFC 6022: in-bad-rpcs counts messages that are not correct <rpc>s (XML
   * and rpc-layer errors, `bad`); out-rpc-errors counts every error reply.
   */
  private errors(session: NetconfSession, errors: AgentError[], attrs: string, bad = true): string {
    if (bad) {
      session.stats.inBadRpcs++;
      this.core.stats.inBadRpcs++;
    }
    session.stats.outRpcErrors++;
    this.core.stats.outRpcErrors++;
    return rpcReplyErrors(errors.map((e) => forBase(e, session.base)), attrs);
  }
}

/** the operations of ietf-netconf (BASE_OPS less get-schema and create-subscription, which are other modules') */
const NC_OPS: ReadonlySet<string> = new Set(Object.keys(BASE_OPS).filter((k) => !Object.values(SPECIAL).some((s) => s.name === k)));

/**
 * An operation element without a namespace that names an ietf-netconf
 * operation is taken as that operation, as its parameters already are
 * (ops/common.ts param): Ansible's netconf_rpc without `xmlns`, as in its
 * documented examples (rpc: get, discard-changes, copy-config, lock),
 * sends the operation unqualified inside <nc:rpc>.
 */
function baseOperation(el: XmlElement): XmlElement {
  return el.ns === '' && NC_OPS.has(el.local) ? { ...el, ns: NC_NS } : el;
}

/** The <rpc-reply> around a body ('' is <ok/>); a produced body stays produced. */
function reply(body: ReplyBody, attrs: string): OutMessage {
  const head = `<rpc-reply xmlns="${NC_NS}"${attrs}>`;
  if (typeof body === 'string') return `${head}${body === '' ? '<ok/>' : body}</rpc-reply>`;
  return {
    produce(emit, buffers) {
      emit(head);
      const made = body.produce(emit, buffers);
      if (made) return made.then(() => emit('</rpc-reply>'));
      emit('</rpc-reply>');
    },
  };
}

/** RFC 7950 7.14.2: a mandatory input leaf that is missing is a missing-element protocol error. */
function checkMandatoryInput(rpc: SchemaNode, node: DataNode): void {
  const input = rpc.children.find((c) => c.kind === 'input');
  if (!input) return;
  for (const s of input.children) {
    if ((s.kind === 'leaf' || s.kind === 'anydata' || s.kind === 'anyxml') && s.mandatory && !node.children.some((c) => c.schema === s)) {
      throw new AgentError('missing-element', `<${rpc.name}> needs <${s.name}>.`, { type: 'protocol', info: { 'bad-element': s.name } });
    }
  }
}

function unknownOperation(el: XmlElement): AgentError {
  return new AgentError('operation-not-supported', `The operation <${el.local}> is not supported.`, {
    type: 'protocol',
    info: { 'bad-element': el.local },
  });
}

/**
 * RFC 8341 3.4.4: an operation the user may not invoke is access-denied with
 * an error-path identifying the requested operation, e.g.
 * /nc:rpc/nc:edit-config (the name is the client's own; it reveals nothing).
 */
function denied(el: XmlElement, modulePrefix?: string): AgentError {
  const pathNs: Record<string, string> = { nc: NC_NS };
  let p = 'nc';
  if (el.ns !== NC_NS) {
    p = modulePrefix && modulePrefix !== 'nc' ? modulePrefix : 'op';
    pathNs[p] = el.ns;
  }
  return new AgentError('access-denied', `Access to the operation "${el.local}" is denied.`, {
    type: 'protocol',
    path: `/nc:rpc/${p}:${el.local}`,
    pathNs,
  });
}

/** The <rpc> attributes, to be echoed on the reply (xmlns declarations of prefixed ones included). */
function echoAttributes(rpc: XmlElement): string {
  let out = '';
  const declared = new Set<string>();
  for (const [k, v] of rpc.attrs) {
    const close = k.indexOf('}');
    const ns = k.slice(1, close);
    const local = k.slice(close + 1);
    if (!ns) {
      out += ` ${local}="${escapeAttr(v)}"`;
      continue;
    }
    const prefix = Object.keys(rpc.nsScope).find((p) => p !== '' && rpc.nsScope[p] === ns) ?? 'a';
    if (!declared.has(prefix)) {
      out += ` xmlns:${prefix}="${escapeAttr(ns)}"`;
      declared.add(prefix);
    }
    out += ` ${prefix}:${local}="${escapeAttr(v)}"`;
  }
  return out;
}
