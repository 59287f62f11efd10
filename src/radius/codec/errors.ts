/**
 * Typed errors of the RADIUS codec. decodePacket() never throws: it returns
 * one of these in a result. Encoders throw RadiusEncodeError for values that
 * cannot be put on the wire (always a programming or configuration error).
 */

export type DecodeErrorReason =
  | 'too-short' // fewer than 20 octets
  | 'bad-length' // Length field below 20 or above 4096
  | 'truncated' // Length field larger than the datagram
  | 'bad-attribute-length' // an attribute's length octet below 2
  | 'attribute-overrun' // an attribute runs past the packet's end
  | 'bad-vsa' // Vendor-Specific too short, or vendor 4874 sub-attributes malformed
  | 'bad-message-authenticator' // Message-Authenticator not 16 octets, or more than one
  | 'bad-value' // a typed attribute value has the wrong size or form
  | 'bad-encrypted-value'; // a salt-encrypted value that does not decrypt to a valid length

export class RadiusDecodeError extends Error {
  readonly reason: DecodeErrorReason;
  /** the attribute type concerned, when there is one */
  readonly attribute?: number;
  /** the vendor sub-attribute concerned, when there is one */
  readonly vendorType?: number;
  constructor(reason: DecodeErrorReason, message: string, attribute?: number, vendorType?: number) {
    super(message);
    this.name = 'RadiusDecodeError';
    this.reason = reason;
    this.attribute = attribute;
    this.vendorType = vendorType;
  }
}

export class RadiusEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RadiusEncodeError';
  }
}
