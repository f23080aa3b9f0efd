// Key strings: Bech32 recipients (public, via @scure/base) and identities (secret, byte-level).
export { type Bech32Decoded, bech32DecodeBytes, bech32EncodeBytes } from "./bech32";
export {
  encodeIdentity,
  encodeRecipient,
  KEY_KINDS,
  type KeyKind,
  type KeyKindInfo,
  type ParsedIdentity,
  type ParsedRecipient,
  parseIdentity,
  parseRecipient,
} from "./strings";
