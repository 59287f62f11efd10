import assert from 'node:assert/strict';
import { FrameDecoder, FramingError, encodeMessage, encodeMessageBuffer, encodeParts } from '../../src/netconf/framing';

function decodeAll(dec: FrameDecoder, bytes: Buffer[]): string[] {
  const out: string[] = [];
  for (const b of bytes) {
    dec.push(b);
    for (let m = dec.next(); m !== null; m = dec.next()) out.push(m);
  }
  return out;
}

function splitAt(buf: Buffer, ...cuts: number[]): Buffer[] {
  const parts: Buffer[] = [];
  let prev = 0;
  for (const c of cuts) {
    parts.push(buf.subarray(prev, c));
    prev = c;
  }
  parts.push(buf.subarray(prev));
  return parts;
}

function expectFramingError(f: () => unknown, kind: string): FramingError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof FramingError, `expected FramingError, got ${e}`);
    assert.equal(e.kind, kind);
    assert.equal(e.tag, 'malformed-message');
    assert.equal(e.errorType, 'rpc');
    return e;
  }
  assert.fail(`expected FramingError ${kind}`);
}

describe('netconf/framing', () => {
  describe('end-of-message (base:1.0)', () => {
    const msgs = ['<a/>', '<rpc message-id="1"><get/></rpc>', 'x]]>y]]]>z', ']]>]]', 'é€😀'];
    const stream = Buffer.concat(msgs.map((m) => encodeMessageBuffer(m, 'eom')));

    it('decodes a stream split at every single offset', () => {
      for (let i = 0; i <= stream.length; i++) {
        assert.deepEqual(decodeAll(new FrameDecoder(), splitAt(stream, i)), msgs, `split at ${i}`);
      }
    });

    it('decodes a stream split at every pair of offsets and byte by byte', () => {
      for (let i = 0; i <= stream.length; i += 3) {
        for (let j = i; j <= stream.length; j++) {
          assert.deepEqual(decodeAll(new FrameDecoder(), splitAt(stream, i, j)), msgs, `split at ${i},${j}`);
        }
      }
      const bytes = [...stream].map((b) => Buffer.from([b]));
      assert.deepEqual(decodeAll(new FrameDecoder(), bytes), msgs);
    });

    it('a delimiter split across three reads', () => {
      const d = new FrameDecoder();
      assert.deepEqual(decodeAll(d, [Buffer.from('<a/>]]'), Buffer.from('>'), Buffer.from(']]>')]), ['<a/>']);
      assert.equal(d.midMessage, false);
    });

    it('keeps an incomplete message buffered', () => {
      const d = new FrameDecoder();
      assert.deepEqual(decodeAll(d, [Buffer.from('<a/>]]>]')]), []);
      assert.equal(d.midMessage, true);
      assert.deepEqual(decodeAll(d, [Buffer.from(']>')]), ['<a/>']);
    });

    it('rejects an oversize message, at the limit it is fine', () => {
      const ok = new FrameDecoder({ maxMessageBytes: 10 });
      assert.deepEqual(decodeAll(ok, [Buffer.from('0123456789]]>]]>')]), ['0123456789']);
      const ok2 = new FrameDecoder({ maxMessageBytes: 10 });
      assert.deepEqual(decodeAll(ok2, [Buffer.from('0123456789]]>]'), Buffer.from(']>')]), ['0123456789']);
      const bad = new FrameDecoder({ maxMessageBytes: 10 });
      expectFramingError(() => decodeAll(bad, [Buffer.from('01234567890]]>]]>')]), 'too-big');
      // without a delimiter in sight, the limit still holds (no unbounded buffering)
      const bad2 = new FrameDecoder({ maxMessageBytes: 1000 });
      expectFramingError(() => decodeAll(bad2, Array.from({ length: 20 }, () => Buffer.alloc(100, 0x41))), 'too-big');
      assert.ok(bad2.buffered <= 1200);
      // and it stays failed
      expectFramingError(() => bad2.next(), 'too-big');
    });

    it('invalid UTF-8 is a recoverable error; the next message still decodes', () => {
      const d = new FrameDecoder();
      d.push(Buffer.concat([Buffer.from([0x3c, 0xff, 0xfe]), Buffer.from(']]>]]><ok/>]]>]]>')]));
      const e = expectFramingError(() => d.next(), 'bad-encoding');
      assert.equal(e.recoverable, true);
      assert.equal(d.next(), '<ok/>');
    });
  });

  describe('chunked (base:1.1)', () => {
    const msgs = ['<rpc message-id="1"/>', 'é€😀'.repeat(5), '\n#3\n', 'x'];
    const stream = Buffer.concat(msgs.map((m, i) => encodeMessageBuffer(m, 'chunked', i + 1)));

    it('decodes a stream split at every offset (multi-chunk messages)', () => {
      for (let i = 0; i <= stream.length; i++) {
        const d = new FrameDecoder({ mode: 'chunked' });
        assert.deepEqual(decodeAll(d, splitAt(stream, i)), msgs, `split at ${i}`);
      }
      const d = new FrameDecoder({ mode: 'chunked' });
      assert.deepEqual(decodeAll(d, [...stream].map((b) => Buffer.from([b]))), msgs);
    });

    it('decodes the RFC 6242 section 4.2 example', () => {
      const ex =
        '\n#4\n<rpc\n#18\n message-id="102"\n\n#79\n     xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">\n  <close-session/>\n</rpc>\n##\n';
      const d = new FrameDecoder({ mode: 'chunked' });
      const out = decodeAll(d, [Buffer.from(ex)]);
      assert.equal(out.length, 1);
      assert.equal(
        out[0],
        '<rpc message-id="102"\n     xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">\n  <close-session/>\n</rpc>',
      );
    });

    it('accepts the largest chunk size header and a 10-digit size', () => {
      const d = new FrameDecoder({ mode: 'chunked', maxMessageBytes: 2 ** 33 });
      d.push(Buffer.from('\n#4294967295\nabc'));
      assert.equal(d.next(), null);
      assert.equal(d.midMessage, true);
    });

    const bogus: [string, string][] = [
      ['#4\nabcd\n##\n', 'bad-chunk-header'], // missing LF
      ['\n4\nabcd\n##\n', 'bad-chunk-header'], // missing #
      ['\n#0\n\n##\n', 'bad-chunk-header'], // zero length
      ['\n#04\nabcd\n##\n', 'bad-chunk-header'], // leading zero
      ['\n#-4\nabcd\n##\n', 'bad-chunk-header'],
      ['\n#4294967296\n', 'bad-chunk-header'], // too large
      ['\n#42949672950\n', 'bad-chunk-header'], // too long
      ['\n#4 \nabcd\n##\n', 'bad-chunk-header'],
      ['\n#4\r\nabcd\n##\n', 'bad-chunk-header'],
      ['\n#\n', 'bad-chunk-header'],
      ['\n#4\nabcd\n#\n', 'bad-chunk-header'],
      ['\n#4\nabcd\n##x', 'bad-chunk-header'],
      ['\n#4\nabcdX\n##\n', 'bad-chunk-header'], // chunk longer than announced
      ['\n##\n', 'empty-message'],
      ['<rpc/>]]>]]>', 'bad-chunk-header'], // a 1.0 client after negotiating 1.1
    ];
    for (const [input, kind] of bogus) {
      it(`rejects ${JSON.stringify(input)}: ${kind}`, () => {
        // whole, and byte by byte: same result
        const d = new FrameDecoder({ mode: 'chunked' });
        expectFramingError(() => decodeAll(d, [Buffer.from(input)]), kind);
        const d2 = new FrameDecoder({ mode: 'chunked' });
        expectFramingError(() => decodeAll(d2, [...Buffer.from(input)].map((b) => Buffer.from([b]))), kind);
      });
    }

    it('a configured shorter chunk header limit applies', () => {
      const d = new FrameDecoder({ mode: 'chunked', maxChunkHeaderBytes: 6 });
      assert.deepEqual(decodeAll(d, [Buffer.from('\n#123\n' + 'a'.repeat(123) + '\n##\n')]), ['a'.repeat(123)]);
      expectFramingError(() => decodeAll(d, [Buffer.from('\n#1234\n')]), 'bad-chunk-header');
    });

    it('rejects a message over the limit at the chunk header, before its data arrives', () => {
      const d = new FrameDecoder({ mode: 'chunked', maxMessageBytes: 100 });
      assert.deepEqual(decodeAll(d, [Buffer.from('\n#60\n' + 'a'.repeat(60))]), []);
      expectFramingError(() => decodeAll(d, [Buffer.from('\n#41\n')]), 'too-big');
      const d2 = new FrameDecoder({ mode: 'chunked', maxMessageBytes: 100 });
      assert.deepEqual(decodeAll(d2, [Buffer.from('\n#60\n' + 'a'.repeat(60) + '\n#40\n' + 'b'.repeat(40) + '\n##\n')]).map((m) => m.length), [100]);
      const d3 = new FrameDecoder({ mode: 'chunked', maxMessageBytes: 100 });
      expectFramingError(() => decodeAll(d3, [Buffer.from('\n#999999\n')]), 'too-big');
    });
  });

  describe('switching after the hello', () => {
    it('bytes already pushed after the hello are decoded with the new framing', () => {
      const all = Buffer.concat([
        encodeMessageBuffer('<hello/>', 'eom'),
        encodeMessageBuffer('<rpc a="1"/>', 'chunked'),
        encodeMessageBuffer('<rpc a="2"/>', 'chunked', 3),
      ]);
      for (let i = 0; i <= all.length; i++) {
        const d = new FrameDecoder();
        const out: string[] = [];
        for (const part of splitAt(all, i)) {
          d.push(part);
          for (let m = d.next(); m !== null; m = d.next()) {
            out.push(m);
            if (m === '<hello/>') d.setMode('chunked');
          }
        }
        assert.deepEqual(out, ['<hello/>', '<rpc a="1"/>', '<rpc a="2"/>'], `split at ${i}`);
        assert.equal(d.framing, 'chunked');
      }
    });

    it('refuses to switch in the middle of a message', () => {
      const d = new FrameDecoder();
      d.push(Buffer.from('<hel'));
      assert.equal(d.next(), null);
      assert.throws(() => d.setMode('chunked'));
    });
  });

  describe('encoder', () => {
    it('end-of-message appends ]]>]]>', () => {
      assert.equal(encodeMessageBuffer('<ok/>', 'eom').toString(), '<ok/>]]>]]>');
    });

    it('chunked splits into chunks of the given size, sharing one buffer', () => {
      assert.equal(encodeMessageBuffer('abcdefg', 'chunked', 3).toString(), '\n#3\nabc\n#3\ndef\n#1\ng\n##\n');
      assert.equal(encodeMessageBuffer('é', 'chunked').toString(), '\n#2\né\n##\n');
      assert.throws(() => encodeMessage('', 'chunked'));
    });

    it('streams a 100 MB reply in 64 KiB chunks, fast, and decodes it back', function () {
      this.timeout(60000);
      const big = Buffer.alloc(100 * 1024 * 1024, 0x61);
      const t0 = process.hrtime.bigint();
      const pieces = encodeMessage(big, 'chunked');
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      assert.equal(pieces.length, 2 * 1600 + 1);
      // data pieces are views of the same memory, not copies
      assert.equal(pieces[1].buffer, big.buffer);
      assert.ok(ms < 500, `encoding took ${ms} ms`);
      const d = new FrameDecoder({ mode: 'chunked', maxMessageBytes: 128 * 1024 * 1024 });
      const t1 = process.hrtime.bigint();
      let got: string | null = null;
      for (const p of pieces) {
        d.push(p);
        const m = d.next();
        if (m !== null) got = m;
      }
      const ms2 = Number(process.hrtime.bigint() - t1) / 1e6;
      assert.ok(got !== null);
      assert.equal(got.length, big.length);
      assert.ok(ms2 < 15000, `decoding took ${ms2} ms`);
    });

    it('decodes a 20 MB end-of-message message read in 16 KiB pieces in linear time', function () {
      this.timeout(60000);
      const body = Buffer.alloc(20 * 1024 * 1024, 0x62);
      const framed = encodeMessageBuffer(body, 'eom');
      const d = new FrameDecoder();
      const t0 = process.hrtime.bigint();
      let got: string | null = null;
      for (let off = 0; off < framed.length; off += 16384) {
        d.push(framed.subarray(off, off + 16384));
        const m = d.next();
        if (m !== null) got = m;
      }
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      assert.equal(got?.length, body.length);
      assert.ok(ms < 10000, `decoding took ${ms} ms`);
    });
  });

  describe('encodeParts (a message in pieces)', () => {
    const pieces = ['<rpc-reply>', '', 'é€😀'.repeat(1000), 'x'.repeat(70000), '<a/>', '</rpc-reply>'].map((p) => Buffer.from(p));
    const whole = Buffer.concat(pieces).toString();

    it('frames the pieces as one message in both framings, without copying them', () => {
      for (const mode of ['eom', 'chunked'] as const) {
        const framed = encodeParts(pieces, mode, 16384);
        for (const p of pieces) if (p.length) assert.ok(framed.includes(p), 'a piece is written as it is');
        const d = new FrameDecoder({ mode });
        assert.deepEqual(decodeAll(d, [Buffer.concat(framed)]), [whole]);
      }
    });

    it('small pieces share a chunk up to the chunk size, a big piece is a chunk of its own', () => {
      const framed = Buffer.concat(encodeParts(pieces, 'chunked', 16384)).toString('latin1');
      const sizes = [...framed.matchAll(/\n#(\d+)\n/g)].map((m) => Number(m[1]));
      assert.deepEqual(sizes, [pieces[0].length + pieces[2].length, 70000, pieces[4].length + pieces[5].length]);
      assert.ok(framed.endsWith('\n##\n'));
    });

    it('refuses an empty message in chunked framing', () => {
      assert.throws(() => encodeParts([Buffer.alloc(0)], 'chunked'), /empty message/);
    });
  });

  it('reuseBytes: messages assembled in a kept buffer decode exactly as without it', () => {
    const msgs = ['a'.repeat(70000), 'é'.repeat(50000), '<b/>', 'c'.repeat(300000), 'd'.repeat(1000)];
    for (const mode of ['eom', 'chunked'] as const) {
      const stream = Buffer.concat(msgs.map((m) => encodeMessageBuffer(m, mode, 4096)));
      const reads: Buffer[] = [];
      for (let o = 0; o < stream.length; o += 8191) reads.push(stream.subarray(o, o + 8191));
      for (const reuseBytes of [0, 100000, 1 << 20]) {
        assert.deepEqual(decodeAll(new FrameDecoder({ mode, reuseBytes }), reads), msgs, `${mode} ${reuseBytes}`);
      }
    }
  });
});
