/**
 * Juniper's mirroring VSAs (vendor 4874, FreeRADIUS `ERX-*`): LI-Action 58,
 * Med-Dev-Handle 59, Med-Ip-Address 60, Med-Port-Number 61, each salt-encrypted.
 */
import { ErxAttr, VENDOR_JUNIPER_ERX } from './constants';
import { RadiusDecodeError } from './errors';
import type { Secret } from './auth';
import { AttributeSpec, getVendorAll, RadiusPacket } from './packet';
import { saltDecrypt, saltEncrypt, ZERO_VECTOR } from './salt';
import { decodeInteger, decodeIpv4, encodeInteger, encodeIpv4 } from './values';

export const MIRROR_VSA_TYPES: readonly number[] = [ErxAttr.LiAction, ErxAttr.MedDevHandle, ErxAttr.MedIpAddress, ErxAttr.MedPortNumber];

export type LiActionCode = 0 | 1 | 2;

export interface MirrorVsas {
  /** 0 stop, 1 start, 2 no action */
  liAction: LiActionCode;
  medDevHandle: Buffer;
  medIp: string;
  medPort: number;
}

export type MirrorVsaResult =
  | { ok: true; present: false }
  | { ok: true; present: true; value: MirrorVsas }
  /** some but not all of 58 to 61: `missing` lists the absent types */
  | { ok: false; kind: 'incomplete'; missing: number[]; error: RadiusDecodeError }
  /** not formatted properly: repeated, undecryptable, or a value of the wrong size for its type */
  | { ok: false; kind: 'invalid'; error: RadiusDecodeError }
  /** well-formed, but a value flowtapd does not support (LI-Action above 2, port 0, empty handle) */
  | { ok: false; kind: 'unsupported-value'; error: RadiusDecodeError };

/**
 * Finds, decrypts and types the four mirroring VSAs. `vector` is R of the
 * salt scheme: 16 zero octets for CoA- and Disconnect-Requests (default).
 */
export function decodeMirrorVsas(pkt: RadiusPacket, secret: Secret, vector: Buffer = ZERO_VECTOR): MirrorVsaResult {
  const found = new Map<number, Buffer>();
  for (const s of getVendorAll(pkt, VENDOR_JUNIPER_ERX)) {
    if (!MIRROR_VSA_TYPES.includes(s.type)) continue;
    if (found.has(s.type)) {
      return { ok: false, kind: 'invalid', error: new RadiusDecodeError('bad-value', `ERX attribute ${s.type} appears more than once`, 26, s.type) };
    }
    found.set(s.type, s.value);
  }
  if (found.size === 0) return { ok: true, present: false };
  const missing = MIRROR_VSA_TYPES.filter((t) => !found.has(t));
  if (missing.length > 0) {
    return {
      ok: false,
      kind: 'incomplete',
      missing,
      error: new RadiusDecodeError('bad-value', `mirroring attributes incomplete: ERX ${missing.join(', ')} missing`, 26, missing[0]),
    };
  }
  const plain = new Map<number, Buffer>();
  for (const [t, v] of found) {
    const d = saltDecrypt(v, secret, vector);
    if (!d.ok) {
      return { ok: false, kind: 'invalid', error: new RadiusDecodeError('bad-encrypted-value', `ERX attribute ${t}: ${d.error.message}`, 26, t) };
    }
    plain.set(t, d.value);
  }
  const invalid = (t: number, msg: string, kind: 'invalid' | 'unsupported-value' = 'invalid'): MirrorVsaResult => ({
    ok: false,
    kind,
    error: new RadiusDecodeError('bad-value', `ERX attribute ${t}: ${msg}`, 26, t),
  });
  const action = decodeInteger(plain.get(ErxAttr.LiAction)!);
  if (!action.ok) return invalid(ErxAttr.LiAction, 'LI-Action is not a 4-octet integer');
  if (action.value > 2) return invalid(ErxAttr.LiAction, `LI-Action ${action.value} is not 0, 1 or 2`, 'unsupported-value');
  const handle = plain.get(ErxAttr.MedDevHandle)!;
  if (handle.length === 0) return invalid(ErxAttr.MedDevHandle, 'Med-Dev-Handle is empty', 'unsupported-value');
  const ip = decodeIpv4(plain.get(ErxAttr.MedIpAddress)!);
  if (!ip.ok) return invalid(ErxAttr.MedIpAddress, 'Med-Ip-Address is not a 4-octet IPv4 address');
  const port = decodeInteger(plain.get(ErxAttr.MedPortNumber)!);
  if (!port.ok) return invalid(ErxAttr.MedPortNumber, 'Med-Port-Number is not a 4-octet integer');
  if (port.value < 1 || port.value > 65535) return invalid(ErxAttr.MedPortNumber, `Med-Port-Number ${port.value} is not 1..65535`, 'unsupported-value');
  return {
    ok: true,
    present: true,
    value: { liAction: action.value as LiActionCode, medDevHandle: Buffer.from(handle), medIp: ip.value, medPort: port.value },
  };
}

/** One attribute 26 carrying the four mirroring VSAs, salt-encrypted with `vector`. */
export function encodeMirrorVsas(v: MirrorVsas, secret: Secret, vector: Buffer = ZERO_VECTOR): AttributeSpec {
  return {
    vendorId: VENDOR_JUNIPER_ERX,
    vsas: [
      { type: ErxAttr.LiAction, value: saltEncrypt(encodeInteger(v.liAction), secret, vector) },
      { type: ErxAttr.MedDevHandle, value: saltEncrypt(v.medDevHandle, secret, vector) },
      { type: ErxAttr.MedIpAddress, value: saltEncrypt(encodeIpv4(v.medIp), secret, vector) },
      { type: ErxAttr.MedPortNumber, value: saltEncrypt(encodeInteger(v.medPort), secret, vector) },
    ],
  };
}
