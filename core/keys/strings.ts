// Recipient and identity strings. age's own (X25519 `age1…` / `AGE-SECRET-KEY-1…`, X-Wing
// `age1pq1…` / `AGE-SECRET-KEY-PQ-1…`) and smem's pure ML-KEM-768 pair
// (`smem1mlkem1…` / `SMEM-SECRET-KEY-MLKEM-1…`), all Bech32 (BIP 173 checksum), no length limit.
//
// Recipients are public and go through @scure/base. Identities are secrets: they are parsed
// from and encoded to bytes in locked memory by ./bech32 and never become JS strings.
import { FormatError } from "../errors";
import { MLKEM768_PUBLIC_KEY_BYTES, MLKEM768_SEED_BYTES, validateMlKem768PublicKey } from "../kem/mlkem768";
import { validateXWingPublicKey, XWING_PUBLIC_KEY_BYTES, XWING_SEED_BYTES } from "../kem/xwing";
import type { LockedBuffer } from "../locked-buffer";
import { X25519_BYTES } from "../x25519";
import { bech32DecodeBytes, bech32EncodeBytes } from "./bech32";

export type KeyKind = "x25519" | "xwing" | "mlkem768";

export interface KeyKindInfo {
  kind: KeyKind;
  /** Human-readable part of recipient strings (lower case, as written). */
  recipientHrp: string;
  /** Human-readable part of identity strings (upper case, as written). */
  identityHrp: string;
  publicKeyBytes: number;
  /** The identity is this many bytes of seed. */
  seedBytes: number;
  /** The age stanza type its recipients write. */
  stanzaType: string;
  /** Checks a decoded public key beyond its length (FormatError). */
  validatePublicKey(publicKey: Uint8Array): void;
}

export const KEY_KINDS: Readonly<Record<KeyKind, KeyKindInfo>> = {
  x25519: {
    kind: "x25519",
    recipientHrp: "age",
    identityHrp: "AGE-SECRET-KEY-",
    publicKeyBytes: X25519_BYTES,
    seedBytes: 32,
    stanzaType: "X25519",
    validatePublicKey: () => {},
  },
  xwing: {
    kind: "xwing",
    recipientHrp: "age1pq",
    identityHrp: "AGE-SECRET-KEY-PQ-",
    publicKeyBytes: XWING_PUBLIC_KEY_BYTES,
    seedBytes: XWING_SEED_BYTES,
    stanzaType: "mlkem768x25519",
    validatePublicKey: validateXWingPublicKey,
  },
  mlkem768: {
    kind: "mlkem768",
    recipientHrp: "smem1mlkem",
    identityHrp: "SMEM-SECRET-KEY-MLKEM-",
    publicKeyBytes: MLKEM768_PUBLIC_KEY_BYTES,
    seedBytes: MLKEM768_SEED_BYTES,
    stanzaType: "smem-mlkem768",
    validatePublicKey: validateMlKem768PublicKey,
  },
};

const ALL_KINDS = Object.values(KEY_KINDS);

// Plain loops, not Array.prototype.find: JavaScriptCore's array methods are themselves JavaScript,
// parsed and compiled the first time a process calls them, which short commands pay every run.
function kindWith(field: "recipientHrp" | "identityHrp", hrp: string): KeyKindInfo | undefined {
  for (const info of ALL_KINDS) if (info[field] === hrp) return info;
  return undefined;
}

// @scure/base is required on first use, not imported: `smem open -i` parses identities only
// (./bech32), and evaluating the package was about 0.3 ms of that whole process (issue 4).
let scureBech32: typeof import("@scure/base")["bech32"] | undefined;
function bech32(): typeof import("@scure/base")["bech32"] {
  scureBech32 ??= (require("@scure/base") as typeof import("@scure/base")).bech32;
  return scureBech32;
}
/** No Bech32 limit: an X-Wing recipient is 1,959 characters. */
const NO_LIMIT = false as const;

export interface ParsedRecipient {
  kind: KeyKind;
  publicKey: Uint8Array;
}

/** Encodes a public key as its recipient string. */
export function encodeRecipient(kind: KeyKind, publicKey: Uint8Array): string {
  const info = KEY_KINDS[kind];
  if (publicKey.length !== info.publicKeyBytes) {
    throw new RangeError(`${kind} public key must be ${info.publicKeyBytes} bytes`);
  }
  return bech32().encode(info.recipientHrp, bech32().toWords(publicKey), NO_LIMIT);
}

/** Short, safe rendering of a user-supplied key string for error messages. */
function shorten(text: string): string {
  const printable = text.replace(/[^\x21-\x7e]/g, "?");
  return printable.length > 24 ? `${printable.slice(0, 16)}…` : printable;
}

/** Parses `age1…`, `age1pq1…` or `smem1mlkem1…`; FormatError naming what is wrong. */
export function parseRecipient(text: string): ParsedRecipient {
  // Loaded outside the try: a failure to load the codec is not the user's malformed key.
  const codec = bech32();
  let hrp: string;
  let words: number[];
  try {
    const decoded = codec.decode(text as `${string}1${string}`, NO_LIMIT);
    hrp = decoded.prefix;
    words = decoded.words;
  } catch {
    throw new FormatError(`malformed recipient "${shorten(text)}": not a valid Bech32 key string`);
  }
  const info = kindWith("recipientHrp", hrp.toLowerCase());
  if (!info) throw new FormatError(`malformed recipient "${shorten(text)}": unknown type "${hrp}"`);
  let publicKey: Uint8Array;
  try {
    publicKey = codec.fromWords(words);
  } catch {
    throw new FormatError(`malformed recipient "${shorten(text)}": invalid padding`);
  }
  if (publicKey.length !== info.publicKeyBytes) {
    throw new FormatError(
      `malformed recipient "${shorten(text)}": ${publicKey.length} bytes, a ${info.kind} key has ${info.publicKeyBytes}`,
    );
  }
  try {
    info.validatePublicKey(publicKey);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new FormatError(`malformed recipient "${shorten(text)}": ${why}`);
  }
  return { kind: info.kind, publicKey };
}

export interface ParsedIdentity {
  kind: KeyKind;
  /** The identity's seed, in locked memory; the caller destroys it. */
  seed: LockedBuffer;
}

/**
 * Parses an identity string from ASCII bytes (a view of locked memory: a line of an identity
 * file). The seed goes to a LockedBuffer; errors never repeat the key.
 */
export function parseIdentity(text: Uint8Array): ParsedIdentity {
  const { hrp, data } = bech32DecodeBytes(text);
  const info = kindWith("identityHrp", hrp.toUpperCase());
  if (!info) {
    data.destroy();
    // Not echoed: for a garbled line the "type" may hold characters of the key itself.
    throw new FormatError("malformed secret key: unknown key type");
  }
  if (data.size !== info.seedBytes) {
    const size = data.size;
    data.destroy();
    throw new FormatError(`malformed secret key: ${size} bytes, a ${info.kind} key has ${info.seedBytes}`);
  }
  return { kind: info.kind, seed: data };
}

/** The identity string (upper case ASCII, as age writes it) in a LockedBuffer. */
export function encodeIdentity(kind: KeyKind, seed: Uint8Array): LockedBuffer {
  const info = KEY_KINDS[kind];
  if (seed.length !== info.seedBytes) throw new RangeError(`${kind} seed must be ${info.seedBytes} bytes`);
  return bech32EncodeBytes(info.identityHrp, seed, true);
}
