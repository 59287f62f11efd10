import assert from 'node:assert/strict';
import { interceptIds, MedDevHandleError, sessionIdFromAcctSessionId, checkMedDevHandle } from '../../src/radius/med-dev-handle';
import { CoaError, ErrorCause, errorCauseOf } from '../../src/radius/error-cause';
import { AgentError } from '../../src/errors';

describe('Med-Dev-Handle to jmirror ids', () => {
  it('8-octet form (top bits 00): low 30 bits of word 1, session id word 2', () => {
    assert.deepEqual(interceptIds(Buffer.from('0000002a00000007', 'hex'), undefined), { interceptId: 42, sessionId: 7 });
    assert.deepEqual(interceptIds(Buffer.from('3fffffffffffffff', 'hex'), 'ignored'), { interceptId: 0x3fffffff, sessionId: 0xffffffff });
  });
  it('4-octet form (top bits 01): low 30 bits; session id from a decimal Acct-Session-Id', () => {
    assert.deepEqual(interceptIds(Buffer.from('4000abcd', 'hex'), '12345'), { interceptId: 0xabcd, sessionId: 12345 });
    // low 32 bits of a big decimal number: 2^32 + 5 -> 5
    assert.deepEqual(interceptIds(Buffer.from('7fffffff', 'hex'), '4294967301'), { interceptId: 0x3fffffff, sessionId: 5 });
    assert.equal(sessionIdFromAcctSessionId('007'), 7);
  });
  it('4-octet form with a non-decimal Acct-Session-Id: its last four octets', () => {
    assert.equal(sessionIdFromAcctSessionId('sess-ABCD'), 0x41424344);
    assert.equal(sessionIdFromAcctSessionId('0000002a'), Buffer.from('002a').readUInt32BE(0));
    assert.equal(sessionIdFromAcctSessionId('ab'), 0x6162);
    assert.deepEqual(interceptIds(Buffer.from('40000001', 'hex'), 'x-WXYZ'), { interceptId: 1, sessionId: 0x5758595a });
  });
  it('other lengths and form bits are refused with 407 Invalid Attribute Value, a 4-octet handle without Acct-Session-Id with 404', () => {
    const cases: [string, string | undefined, string][] = [
      ['', 's', 'bad-length'],
      ['40abcd', 's', 'bad-length'],
      ['4000abcd00', 's', 'bad-length'],
      ['0000abcd', 's', 'bad-form'], // 4 octets, top bits 00
      ['c000abcd', 's', 'bad-form'],
      ['4000002a00000007', 's', 'bad-form'], // 8 octets, top bits 01
      ['8000002a00000007', 's', 'bad-form'],
      ['4000abcd', undefined, 'missing-acct-session-id'],
      ['4000abcd', '', 'missing-acct-session-id'],
    ];
    for (const [hex, sid, reason] of cases) {
      assert.throws(
        () => interceptIds(Buffer.from(hex, 'hex'), sid),
        (e: unknown) =>
          e instanceof MedDevHandleError &&
          e.reason === reason &&
          errorCauseOf(e) === (reason === 'missing-acct-session-id' ? ErrorCause.InvalidRequest : ErrorCause.InvalidAttributeValue),
        hex,
      );
    }
    assert.equal(checkMedDevHandle(Buffer.from('4000abcd', 'hex')), undefined);
  });
});

describe('Error-Cause mapping', () => {
  it('CoaError keeps its cause; AgentError maps by tag; anything else is 506', () => {
    assert.equal(errorCauseOf(new CoaError(ErrorCause.SessionContextNotFound, 'x')), 503);
    assert.equal(errorCauseOf(new AgentError('resource-denied', 'full')), 506);
    assert.equal(errorCauseOf(new AgentError('data-missing', 'no such')), 503);
    assert.equal(errorCauseOf(new AgentError('missing-attribute', 'm')), 402);
    assert.equal(errorCauseOf(new Error('boom')), 506);
    assert.equal(errorCauseOf('string'), 506);
  });
});
