// The passphrase side of `smem seal -p` / `smem open` in one place: which stanzas are passphrase
// stanzas, the recipient `seal` writes (smem-argon2id by default, scrypt with --scrypt) and the
// identities `open` tries (both kinds, from one passphrase).
import type { KdfParams } from "../kdf";
import type { LockedBuffer } from "../locked-buffer";
import { ARGON2ID_STANZA, Argon2idIdentity, Argon2idRecipient } from "./argon2id-stanza";
import type { Identity, Recipient } from "./recipient";
import { SCRYPT_STANZA, ScryptIdentity, ScryptRecipient } from "./scrypt";
import type { Stanza } from "./stanza";

export const PASSPHRASE_STANZA_TYPES: readonly string[] = [ARGON2ID_STANZA, SCRYPT_STANZA];

/** Does this header need a passphrase (so `open` should ask for one)? */
export function needsPassphrase(stanzas: readonly Stanza[]): boolean {
  // A loop, not Array.prototype.some (JavaScript the engine compiles on first use: every `open`).
  for (const stanza of stanzas) if (PASSPHRASE_STANZA_TYPES.includes(stanza.type)) return true;
  return false;
}

/** The recipient for `seal -p`: smem-argon2id with `kdf`, or age's scrypt with `scrypt: true`. */
export function passphraseRecipient(
  passphrase: LockedBuffer,
  opts: { scrypt?: boolean; kdf?: KdfParams; scryptWorkFactor?: number } = {},
): Recipient {
  if (opts.scrypt) return new ScryptRecipient(passphrase, { workFactor: opts.scryptWorkFactor });
  return new Argon2idRecipient(passphrase, opts.kdf);
}

/** Identities that open either passphrase stanza. Both borrow `passphrase`. */
export function passphraseIdentities(passphrase: LockedBuffer): Identity[] {
  return [new Argon2idIdentity(passphrase), new ScryptIdentity(passphrase)];
}
