export { type OpenedSedit, openSedit, SeditKey } from "./file";
export {
  checkSeditKdfParams,
  detectSedit,
  encodeSeditV3Header,
  parseSeditHeader,
  SEDIT_KDF_LIMITS,
  SEDIT_NONCE_BYTES,
  SEDIT_SALT_BYTES,
  SEDIT_TAG_BYTES,
  SEDIT_V1_SALT,
  SEDIT_V3_HEADER_BYTES,
  type SeditHeader,
  type SeditVersion,
  seditMagic,
} from "./format";
