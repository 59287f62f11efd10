/** Password hashes (crypt(3)) for local users. */
export {
  crypt,
  hashPassword,
  verifyPassword,
  isSupportedHash,
  normalizeCryptHash,
  CryptFormatError,
  MAX_PASSWORD_BYTES,
  type CryptScheme,
} from './crypt';
