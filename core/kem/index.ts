// Post-quantum KEMs: ML-KEM-768 (FIPS 203) and X-Wing (ML-KEM-768 + X25519).

export {
  HPKE_AEAD_CHACHA20POLY1305,
  HPKE_KDF_HKDF_SHA256,
  HPKE_KEM_MLKEM768_X25519,
  type HpkeContext,
  hpkeKeySchedule,
  hpkeOpenFirstInto,
  hpkeSealFirst,
  hpkeXWingOpenFirstInto,
} from "./hpke";
export {
  type Encapsulation,
  MLKEM768_CIPHERTEXT_BYTES,
  MLKEM768_PUBLIC_KEY_BYTES,
  MLKEM768_SECRET_KEY_BYTES,
  MLKEM768_SEED_BYTES,
  MLKEM768_SHARED_SECRET_BYTES,
  MlKem768PrivateKey,
  mlkem768Encapsulate,
  validateMlKem768PublicKey,
} from "./mlkem768";
export {
  validateXWingPublicKey,
  XWING_CIPHERTEXT_BYTES,
  XWING_LABEL,
  XWING_PUBLIC_KEY_BYTES,
  XWING_SEED_BYTES,
  XWING_SHARED_SECRET_BYTES,
  XWingPrivateKey,
  xwingEncapsulate,
} from "./xwing";
