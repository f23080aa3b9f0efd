// The vault's keys, in one place: every entry is encrypted to one X-Wing recipient (age's
// mlkem768x25519, post-quantum), and the matching identity is kept in `identity.age`, an age
// file encrypted to the passphrase with the smem-argon2id stanza — or, for a vault made with
// `--identity FILE`, kept by the user and not stored at all.
import { Argon2idIdentity, Argon2idRecipient } from "../age/argon2id-stanza";
import {
  formatIdentityFile,
  generateIdentity,
  identityKind,
  type KeyIdentity,
  parseIdentityFile,
  parseRecipientString,
  recipientKind,
  recipientString,
} from "../age/keys";
import type { Identity, Recipient } from "../age/recipient";
import { AuthError, FormatError, UsageError } from "../errors";
import type { KdfParams } from "../kdf";
import type { LockedBuffer } from "../locked-buffer";
import { openBytes, sealBytes } from "./sealing";

/** How a reader proves it may decrypt: the passphrase (of identity.age) or the identities. */
export type Unlock = { passphrase: LockedBuffer } | { identities: Identity[] };

export interface VaultKeys {
  /** The public recipient string written to `recipient`. */
  recipient: string;
  /** identity.age: the identity file encrypted to the passphrase; null when the user keeps it. */
  identityFile: Uint8Array | null;
}

/** The recipient every entry is encrypted to; FormatError unless it is X-Wing. */
export function vaultRecipient(text: string): Recipient {
  const recipient = parseRecipientString(text);
  if (recipientKind(recipient) !== "xwing") {
    throw new FormatError("the vault recipient is not an X-Wing (age1pq1…) recipient");
  }
  return recipient;
}

/** A new X-Wing identity, stored in identity.age under the passphrase. */
export function newPassphraseKeys(passphrase: LockedBuffer, kdf?: KdfParams): VaultKeys {
  using identity = generateIdentity("xwing");
  using file = formatIdentityFile(identity);
  const identityFile = sealBytes([new Argon2idRecipient(passphrase, kdf)], file.bytes());
  return { recipient: recipientString(identity.recipient()), identityFile };
}

/** The first X-Wing identity of a user's identity file; the vault stores only its recipient. */
export function keysFromIdentityFile(identities: readonly KeyIdentity[], source: string): VaultKeys {
  const xwing = identities.find((i) => identityKind(i) === "xwing");
  if (xwing === undefined) {
    throw new UsageError(
      `${source} holds no X-Wing identity (AGE-SECRET-KEY-PQ-1…); make one with 'smem kem keygen'`,
    );
  }
  return { recipient: recipientString(xwing.recipient()), identityFile: null };
}

/**
 * The identities that open this generation's entries. With a passphrase, identity.age is
 * decrypted (AuthError on a wrong passphrase); the caller destroys the returned identities.
 */
export function unlockIdentities(identityFile: Uint8Array | null, unlock: Unlock): Identity[] & Disposable {
  let identities: KeyIdentity[] | Identity[];
  let owned = false;
  if ("identities" in unlock) {
    identities = unlock.identities;
  } else {
    if (identityFile === null) {
      throw new UsageError("this vault keeps no identity (made with --identity): pass --identity FILE");
    }
    using plain = openBytes([new Argon2idIdentity(unlock.passphrase)], identityFile, "the vault identity");
    try {
      identities = parseIdentityFile(plain.bytes(), "the vault identity");
    } catch (err) {
      throw new AuthError(
        `vault is corrupt: identity.age does not hold an identity (${(err as Error).message})`,
      );
    }
    owned = true;
  }
  const list = [...identities] as Identity[] & Disposable;
  list[Symbol.dispose] = () => {
    if (!owned) return;
    for (const i of identities as KeyIdentity[]) i.destroy();
  };
  return list;
}
