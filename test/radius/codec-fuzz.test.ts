import assert from 'node:assert/strict';
import {
  checkMessageAuthenticator,
  decodeMirrorVsas,
  decodePacket,
  decodeValue,
  RadiusDecodeError,
  requestMessageAuthenticatorField,
  verifyRequestAuthenticator,
} from '../../src/radius/codec';
import { allCaptures, mutate, prng } from './fixtures';

describe('radius codec fuzz', function () {
  this.timeout(120000);

  it('100,000 random and mutated packets: decode never throws, every failure is a RadiusDecodeError', () => {
    const rnd = prng(0x5176);
    const seeds = allCaptures();
    const counts = { ok: 0, failed: 0, vsaChecked: 0 };
    for (let i = 0; i < 100_000; i++) {
      let input: Buffer;
      if (i % 5 === 0) {
        const len = Math.floor(rnd() * 300);
        input = Buffer.alloc(len);
        for (let j = 0; j < len; j++) input[j] = Math.floor(rnd() * 256);
        if (len >= 4 && rnd() < 0.5) input.writeUInt16BE(len, 2);
      } else {
        const cap = seeds[i % seeds.length];
        input = mutate(cap.bytes, rnd);
      }
      let r: ReturnType<typeof decodePacket>;
      try {
        r = decodePacket(input);
      } catch (e) {
        assert.fail(`decodePacket threw on ${input.toString('hex')}: ${(e as Error).message}`);
      }
      if (!r.ok) {
        assert.ok(r.error instanceof RadiusDecodeError);
        counts.failed++;
        continue;
      }
      counts.ok++;
      // everything downstream of decode must not throw either
      const secret = seeds[i % seeds.length].secret;
      verifyRequestAuthenticator(r.packet.raw!, secret);
      checkMessageAuthenticator(r.packet, secret, requestMessageAuthenticatorField(r.packet));
      const m = decodeMirrorVsas(r.packet, secret);
      if (!m.ok) assert.ok(m.error instanceof RadiusDecodeError);
      counts.vsaChecked++;
      for (const a of r.packet.attributes) {
        const v = decodeValue(a.type, a.value);
        if (!v.ok) assert.ok(v.error instanceof RadiusDecodeError);
      }
    }
    // the mix reaches both outcomes in quantity
    assert.ok(counts.ok > 10_000, `ok ${counts.ok}`);
    assert.ok(counts.failed > 10_000, `failed ${counts.failed}`);
  });
});
