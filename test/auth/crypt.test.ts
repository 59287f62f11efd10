import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { crypt, hashPassword, verifyPassword, normalizeCryptHash, isSupportedHash, CryptFormatError } from '../../src/auth';

// Test vectors from Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512".
const SHA256_VECTORS: [string, string, string][] = [
  ['$5$saltstring', 'Hello world!', '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'],
  ['$5$rounds=10000$saltstringsaltstring', 'Hello world!', '$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA'],
  ['$5$rounds=5000$toolongsaltstring', 'This is just a test', '$5$rounds=5000$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5'],
  ['$5$rounds=1400$anotherlongsaltstring', 'a very much longer text to encrypt.  This one even stretches over morethan one line.', '$5$rounds=1400$anotherlongsalts$Rx.j8H.h8HjEDGomFU8bDkXm3XIUnzyxf12oP84Bnq1'],
  ['$5$rounds=77777$short', 'we have a short salt string but not a short password', '$5$rounds=77777$short$JiO1O3ZpDAxGJeaDIuqCoEFysAe1mZNJRs3pw0KQRd/'],
  ['$5$rounds=123456$asaltof16chars..', 'a short string', '$5$rounds=123456$asaltof16chars..$gP3VQ/6X7UUEW3HkBn2w1/Ptq2jxPyzV/cZKmF/wJvD'],
  ['$5$rounds=10$roundstoolow', 'the minimum number is still observed', '$5$rounds=1000$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC'],
];
const SHA512_VECTORS: [string, string, string][] = [
  ['$6$saltstring', 'Hello world!', '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1'],
  ['$6$rounds=10000$saltstringsaltstring', 'Hello world!', '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.'],
  ['$6$rounds=5000$toolongsaltstring', 'This is just a test', '$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0'],
  ['$6$rounds=1400$anotherlongsaltstring', 'a very much longer text to encrypt.  This one even stretches over morethan one line.', '$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1'],
  ['$6$rounds=77777$short', 'we have a short salt string but not a short password', '$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0'],
  ['$6$rounds=123456$asaltof16chars..', 'a short string', '$6$rounds=123456$asaltof16chars..$BtCwjqMJGx5hrJhZywWvt0RLE8uZ4oPwcelCjmw2kSYu.Ec6ycULevoBK25fs2xXgMNrCzIMVcgEJAstJeonj1'],
  ['$6$rounds=10$roundstoolow', 'the minimum number is still observed', '$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.'],
];

function glibcCrypt(pw: string, setting: string): string {
  return execFileSync('/usr/bin/python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], sys.argv[2]))', pw, setting], {
    encoding: 'utf8',
  }).trim();
}

describe('auth/crypt', () => {
  describe('SHA-crypt specification vectors', () => {
    for (const [salt, pw, expected] of [...SHA256_VECTORS, ...SHA512_VECTORS]) {
      it(`${salt.slice(0, 24)}`, function () {
        this.timeout(20000);
        assert.equal(crypt(pw, salt), expected);
      });
    }
  });

  it('matches glibc crypt (python3) and openssl passwd for $1$, $5$, $6$', () => {
    const cases: [string, string][] = [
      ['pw', '$6$saltsalt'],
      ['pw', '$5$saltsalt'],
      ['pw', '$1$saltsalt'],
      ['', '$6$x'],
      ['pässwörd ünïcode', '$6$rounds=2000$abcdefgh'],
      ['a'.repeat(100), '$5$0123456789abcdef'],
      ['secret', '$1$abc'],
      ['x'.repeat(70), '$1$12345678'],
    ];
    for (const [pw, setting] of cases) assert.equal(crypt(pw, setting), glibcCrypt(pw, setting), `${pw} ${setting}`);
    const ossl = execFileSync('openssl', ['passwd', '-6', '-salt', 'X', 'pw'], { encoding: 'utf8' }).trim();
    assert.equal(crypt('pw', '$6$X'), ossl);
    const ossl1 = execFileSync('openssl', ['passwd', '-1', '-salt', 'mysalt', 'pw'], { encoding: 'utf8' }).trim();
    assert.equal(crypt('pw', '$1$mysalt'), ossl1);
  });

  it('hashPassword makes salted hashes that verify, and glibc agrees', () => {
    const h1 = hashPassword('correct horse', '$6$');
    const h2 = hashPassword('correct horse', '$6$');
    assert.match(h1, /^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    assert.notEqual(h1, h2);
    assert.equal(verifyPassword('correct horse', h1), true);
    assert.equal(verifyPassword('correct horsE', h1), false);
    assert.equal(glibcCrypt('correct horse', h1), h1);
    const h5 = hashPassword('pw5', '$5$', 7000);
    assert.match(h5, /^\$5\$rounds=7000\$/);
    assert.equal(verifyPassword('pw5', h5), true);
    assert.equal(glibcCrypt('pw5', h5), h5);
    const h1md5 = hashPassword('pw1', '$1$');
    assert.equal(verifyPassword('pw1', h1md5), true);
  });

  it('verifyPassword rejects wrong passwords, locked and unsupported hashes', () => {
    const h = SHA512_VECTORS[0][2];
    assert.equal(verifyPassword('Hello world!', h), true);
    assert.equal(verifyPassword('Hello world', h), false);
    assert.equal(verifyPassword('Hello world!', h.slice(0, -1)), false);
    for (const bad of ['', '!', '*', '!' + h, '$2y$10$abcdefghijklmnopqrstuv', 'plaintext', '$6$salt']) {
      assert.equal(verifyPassword('Hello world!', bad), false, bad);
    }
    assert.equal(verifyPassword('x'.repeat(5000), h), false);
    assert.equal(isSupportedHash(h), true);
    assert.equal(isSupportedHash('$0$clear'), false);
  });

  it('normalizeCryptHash stores $0$ cleartext hashed and refuses junk', () => {
    const stored = normalizeCryptHash('$0$admin123');
    assert.match(stored, /^\$6\$/);
    assert.equal(verifyPassword('admin123', stored), true);
    const keep = SHA256_VECTORS[0][2];
    assert.equal(normalizeCryptHash(keep), keep);
    assert.throws(() => normalizeCryptHash('hunter2'), CryptFormatError);
    assert.throws(() => crypt('x', '$7$abc'), CryptFormatError);
  });
});
