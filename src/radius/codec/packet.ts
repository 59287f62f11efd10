/**
 * RADIUS packet layout (RFC 2865 section 3): code, identifier, length,
 * authenticator, then attributes as type-length-value. Vendor-Specific (26)
 * carries a vendor id and, for vendors using the RFC 2865 suggested format,
 * sub-attributes; several sub-attributes may share one attribute 26.
 */
import {
  Attr,
  AUTHENTICATOR_LENGTH,
  HEADER_LENGTH,
  MAX_PACKET_LENGTH,
  VENDOR_JUNIPER_ERX,
} from './constants';
import { RadiusDecodeError, RadiusEncodeError } from './errors';

export interface VendorSubAttribute {
  vendorId: number;
  type: number;
  value: Buffer;
}

export interface RadiusAttribute {
  type: number;
  value: Buffer;
  /** offset of the attribute (its type octet) in the packet, for decoded packets */
  offset?: number;
  /** Vendor-Specific only: the vendor id */
  vendorId?: number;
  /**
   * Vendor-Specific only: the sub-attributes, when the value follows the
   * RFC 2865 suggested format (always checked for vendor 4874, whose
   * malformed sub-attributes make the packet invalid).
   */
  vsas?: VendorSubAttribute[];
}

export interface RadiusPacket {
  code: number;
  identifier: number;
  authenticator: Buffer;
  attributes: RadiusAttribute[];
  /** the packet's octets as decoded (up to the Length field), for authenticator checks */
  raw?: Buffer;
}

export type DecodeResult = { ok: true; packet: RadiusPacket } | { ok: false; error: RadiusDecodeError };

function fail(reason: RadiusDecodeError['reason'], msg: string, attribute?: number, vendorType?: number): DecodeResult {
  return { ok: false, error: new RadiusDecodeError(reason, msg, attribute, vendorType) };
}

/** Splits a Vendor-Specific value into sub-attributes; undefined if not in the suggested format. */
function splitVsa(value: Buffer, vendorId: number): VendorSubAttribute[] | undefined {
  const out: VendorSubAttribute[] = [];
  let p = 4;
  if (p >= value.length) return undefined;
  while (p < value.length) {
    if (p + 2 > value.length) return undefined;
    const type = value[p];
    const len = value[p + 1];
    if (len < 2 || p + len > value.length) return undefined;
    out.push({ vendorId, type, value: value.subarray(p + 2, p + len) });
    p += len;
  }
  return out;
}

/**
 * Decodes one datagram. Never throws: malformed input gives a typed error.
 * Octets past the Length field are padding and ignored (RFC 2865 section 3).
 */
export function decodePacket(datagram: Buffer): DecodeResult {
  if (!Buffer.isBuffer(datagram) || datagram.length < HEADER_LENGTH) {
    return fail('too-short', `packet of ${Buffer.isBuffer(datagram) ? datagram.length : 0} octets is shorter than the 20-octet header`);
  }
  const length = datagram.readUInt16BE(2);
  if (length < HEADER_LENGTH || length > MAX_PACKET_LENGTH) {
    return fail('bad-length', `Length field ${length} outside 20..4096`);
  }
  if (length > datagram.length) {
    return fail('truncated', `Length field ${length} exceeds the ${datagram.length} octets received`);
  }
  const raw = datagram.subarray(0, length);
  const attributes: RadiusAttribute[] = [];
  let seenMessageAuthenticator = false;
  let p = HEADER_LENGTH;
  while (p < length) {
    if (p + 2 > length) return fail('attribute-overrun', `attribute header at offset ${p} runs past the packet end`);
    const type = raw[p];
    const alen = raw[p + 1];
    if (alen < 2) return fail('bad-attribute-length', `attribute ${type} at offset ${p} has length ${alen}`, type);
    if (p + alen > length) return fail('attribute-overrun', `attribute ${type} at offset ${p} (length ${alen}) runs past the packet end`, type);
    const value = raw.subarray(p + 2, p + alen);
    const attr: RadiusAttribute = { type, value, offset: p };
    if (type === Attr.VendorSpecific) {
      if (value.length < 5) return fail('bad-vsa', `Vendor-Specific at offset ${p} is too short (${value.length} octets)`, type);
      const vendorId = value.readUInt32BE(0);
      attr.vendorId = vendorId;
      const vsas = splitVsa(value, vendorId);
      if (vendorId === VENDOR_JUNIPER_ERX && !vsas) {
        return fail('bad-vsa', `vendor ${vendorId} sub-attributes at offset ${p} are malformed`, type);
      }
      attr.vsas = vsas;
    } else if (type === Attr.MessageAuthenticator) {
      if (value.length !== AUTHENTICATOR_LENGTH) {
        return fail('bad-message-authenticator', `Message-Authenticator has ${value.length} octets, not 16`, type);
      }
      if (seenMessageAuthenticator) return fail('bad-message-authenticator', 'more than one Message-Authenticator', type);
      seenMessageAuthenticator = true;
    }
    attributes.push(attr);
    p += alen;
  }
  return {
    ok: true,
    packet: {
      code: raw[0],
      identifier: raw[1],
      authenticator: raw.subarray(4, 20),
      attributes,
      raw,
    },
  };
}

/** An attribute to encode: a plain one, or vendor sub-attributes packed into one attribute 26. */
export type AttributeSpec =
  | { type: number; value: Buffer }
  | { vendorId: number; vsas: { type: number; value: Buffer }[] };

function encodeAttribute(a: AttributeSpec): Buffer {
  if ('vendorId' in a) {
    const parts: Buffer[] = [Buffer.alloc(4)];
    parts[0].writeUInt32BE(a.vendorId >>> 0, 0);
    for (const s of a.vsas) {
      if (s.value.length > 253) throw new RadiusEncodeError(`vendor ${a.vendorId} attribute ${s.type}: value of ${s.value.length} octets is too long`);
      parts.push(Buffer.from([s.type, s.value.length + 2]), s.value);
    }
    const body = Buffer.concat(parts);
    if (body.length > 253) throw new RadiusEncodeError(`Vendor-Specific of ${body.length} octets is too long; split it`);
    return Buffer.concat([Buffer.from([Attr.VendorSpecific, body.length + 2]), body]);
  }
  if (!Number.isInteger(a.type) || a.type < 1 || a.type > 255) throw new RadiusEncodeError(`attribute type ${a.type} is not 1..255`);
  if (a.value.length > 253) throw new RadiusEncodeError(`attribute ${a.type}: value of ${a.value.length} octets is too long`);
  return Buffer.concat([Buffer.from([a.type, a.value.length + 2]), a.value]);
}

/** Concatenates encoded attributes; used for authenticator computation too. */
export function encodeAttributes(attrs: readonly AttributeSpec[]): Buffer {
  return Buffer.concat(attrs.map(encodeAttribute));
}

/**
 * Lays out a packet with the given authenticator field (16 octets). Callers
 * normally use the signing helpers in auth.ts, which fill the authenticator.
 */
export function encodeRaw(code: number, identifier: number, authenticator: Buffer, attrs: readonly AttributeSpec[]): Buffer {
  if (!Number.isInteger(code) || code < 1 || code > 255) throw new RadiusEncodeError(`code ${code} is not 1..255`);
  if (!Number.isInteger(identifier) || identifier < 0 || identifier > 255) throw new RadiusEncodeError(`identifier ${identifier} is not 0..255`);
  if (authenticator.length !== AUTHENTICATOR_LENGTH) throw new RadiusEncodeError('authenticator must be 16 octets');
  const body = encodeAttributes(attrs);
  const length = HEADER_LENGTH + body.length;
  if (length > MAX_PACKET_LENGTH) throw new RadiusEncodeError(`packet of ${length} octets exceeds 4096`);
  const out = Buffer.alloc(length);
  out[0] = code;
  out[1] = identifier;
  out.writeUInt16BE(length, 2);
  authenticator.copy(out, 4);
  body.copy(out, HEADER_LENGTH);
  return out;
}

/** All values of attribute `type`, in packet order. */
export function getAll(pkt: RadiusPacket, type: number): Buffer[] {
  return pkt.attributes.filter((a) => a.type === type).map((a) => a.value);
}

/** All sub-attributes of a vendor, across every attribute 26, in packet order. */
export function getVendorAll(pkt: RadiusPacket, vendorId: number, type?: number): VendorSubAttribute[] {
  const out: VendorSubAttribute[] = [];
  for (const a of pkt.attributes) {
    if (a.type !== Attr.VendorSpecific || a.vendorId !== vendorId || !a.vsas) continue;
    for (const s of a.vsas) if (type === undefined || s.type === type) out.push(s);
  }
  return out;
}
