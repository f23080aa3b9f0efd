// Loading -i identity files (kem, open): read into locked memory, unlocked with a passphrase when
// encrypted (smem-argon2id as written by `smem kem keygen`, or scrypt as by `age -p`), parsed
// line by line without making strings of keys. Writing them encrypted for keygen.
import { Argon2idIdentity, Argon2idRecipient } from "../core/age/argon2id-stanza";
import { isEncryptedIdentityFile, readIdentityFile } from "../core/age/identity-file";
import { type KeyIdentity, parseIdentityFile } from "../core/age/keys";
import { ScryptIdentity } from "../core/age/scrypt";
import { openBytes, sealBytes } from "../core/age/sealed-bytes";
import { UsageError } from "../core/errors";
import type { LockedBuffer } from "../core/locked-buffer";
import { resolvePassphrase } from "../core/secret-input";

export interface IdentityOptions {
  passphraseFile?: string;
  passphraseFd?: number;
}

/** The identities of one file's bytes, decrypting them first when the file is encrypted. */
async function identitiesOf(path: string, bytes: Uint8Array, opts: IdentityOptions): Promise<KeyIdentity[]> {
  const source = path === "-" ? "stdin" : path;
  if (!isEncryptedIdentityFile(bytes)) return parseIdentityFile(bytes, source);
  using passphrase = await resolvePassphrase({
    file: opts.passphraseFile,
    fd: opts.passphraseFd,
    prompt: `Passphrase for identity file ${source}: `,
  });
  using plain = openBytes(bytes, [new Argon2idIdentity(passphrase), new ScryptIdentity(passphrase)]);
  return parseIdentityFile(plain.bytes(), source);
}

/** Every identity in the files named, in order; the caller destroys them. */
export async function loadIdentities(
  paths: readonly string[],
  opts: IdentityOptions,
): Promise<KeyIdentity[]> {
  if (paths.length === 0) throw new UsageError("no identity given (-i FILE)");
  const identities: KeyIdentity[] = [];
  try {
    for (const path of paths) {
      using bytes = readIdentityFile(path);
      identities.push(...(await identitiesOf(path, bytes.bytes(), opts)));
    }
    return identities;
  } catch (error) {
    for (const identity of identities) identity.destroy();
    throw error;
  }
}

/** The identity file text encrypted to a passphrase (smem-argon2id, default KDF), armored. */
export async function encryptIdentityFile(plain: LockedBuffer, opts: IdentityOptions): Promise<Uint8Array> {
  using passphrase = await resolvePassphrase({
    file: opts.passphraseFile,
    fd: opts.passphraseFd,
    confirm: true,
    prompt: "Passphrase for the new identity file: ",
  });
  return sealBytes([new Argon2idRecipient(passphrase)], plain.bytes(), { armor: true });
}
