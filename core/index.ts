// smem's public library API (DESIGN section 5). Tests and outside checks import from here.

export {
  AEAD_KEY_BYTES,
  AEAD_TAG_BYTES,
  CHACHA_NONCE_BYTES,
  chachaOpenInto,
  chachaSeal,
  chachaSealInto,
  XCHACHA_NONCE_BYTES,
  xchachaOpenInto,
  xchachaSeal,
  xchachaSealInto,
} from "./aead";
export {
  ARGON2ID_READ_LIMITS,
  ARGON2ID_STANZA,
  Argon2idIdentity,
  type Argon2idLimits,
  Argon2idRecipient,
  parseArgon2idStanza,
} from "./age/argon2id-stanza";
export {
  ARMOR_BEGIN,
  ARMOR_DETECT_BYTES,
  ARMOR_END,
  ArmorDecoder,
  ArmorEncoder,
  armor,
  dearmor,
  isArmored,
} from "./age/armor";
export { decodeBase64, encodeBase64 } from "./age/base64";
export {
  encodeHeader,
  encodeStanza,
  MAX_HEADER_BYTES,
  type ParsedHeader,
  parseHeader,
  unwrapFileKey,
  writeHeader,
} from "./age/header";
export {
  needsPassphrase,
  PASSPHRASE_STANZA_TYPES,
  passphraseIdentities,
  passphraseRecipient,
} from "./age/passphrase";
export { FILE_KEY_BYTES, type Identity, type Recipient } from "./age/recipient";
export {
  SCRYPT_DEFAULT_WORK_FACTOR,
  SCRYPT_MAX_WORK_FACTOR,
  ScryptIdentity,
  ScryptRecipient,
} from "./age/scrypt";
export type { Stanza } from "./age/stanza";
export { AtomicFile, writeFileAtomic } from "./atomic-file";
export { concatBytes, fromHex, type KeyBytes, toHex, utf8 } from "./bytes";
export { Enclave } from "./enclave";
export {
  AuthError,
  EnvironmentError,
  ExitCode,
  FormatError,
  InterruptedError,
  IoError,
  NotFoundError,
  SmemError,
  UsageError,
} from "./errors";
export {
  blake2b,
  blake2bInto,
  hkdfSha256Into,
  hmacSha256,
  hmacSha256Into,
  sha3_256,
  sha3_256Into,
} from "./hash";
export {
  argon2idInto,
  DEFAULT_KDF,
  deriveKey,
  deriveKeyAsync,
  KDF_KEY_BYTES,
  type KdfParams,
  scryptInto,
  validateKdfParams,
} from "./kdf";
export * from "./kem";
export * from "./keys";
export { LockedBuffer, liveBufferCount, onPurge, purge } from "./locked-buffer";
export { MLOCK_WARNING, mlockRequired, setMlockWarningHandler, setRequireMlock } from "./mlock-policy";
export { sodiumVersion } from "./platform";
export { hardenProcess, onCleanup, processHardened, runCleanups } from "./process-guard";
export { randomBytes } from "./random";
export {
  MAX_PASSPHRASE_BYTES,
  PASSPHRASE_ENV,
  type PassphraseSource,
  promptPassphrase,
  readPassphraseFd,
  readPassphraseFile,
  readSecretFromFd,
  resolvePassphrase,
} from "./secret-input";
export * from "./sedit";
export { setWarningHandler, warnOnce } from "./warnings";
export { X25519_BYTES, x25519Base, x25519Into } from "./x25519";
