// From key strings to Recipients and Identities, and the files that hold them: recipients files
// (one `age1…` per line, `#` comments, as age) and identity files (age-keygen's format:
// `# created:` and `# public key:` comments, then one secret key per line).
import { FormatError, UsageError } from "../errors";
import {
  encodeIdentity,
  encodeRecipient,
  type KeyKind,
  parseIdentity,
  parseRecipient,
} from "../keys/strings";
import { LockedBuffer } from "../locked-buffer";
import type { Recipient, Stanza } from "./key-wrap";
import { MlKem768X25519Identity, MlKem768X25519Recipient, POSTQUANTUM_LABEL } from "./mlkem768x25519";
import { SmemMlKem768Identity, SmemMlKem768Recipient } from "./smem-mlkem768";
import { X25519Identity, X25519Recipient } from "./x25519";

export type PublicKeyRecipient = X25519Recipient | MlKem768X25519Recipient | SmemMlKem768Recipient;
export type KeyIdentity = X25519Identity | MlKem768X25519Identity | SmemMlKem768Identity;

export function recipientKind(recipient: PublicKeyRecipient): KeyKind {
  if (recipient instanceof X25519Recipient) return "x25519";
  if (recipient instanceof MlKem768X25519Recipient) return "xwing";
  return "mlkem768";
}

export function identityKind(identity: KeyIdentity): KeyKind {
  if (identity instanceof X25519Identity) return "x25519";
  if (identity instanceof MlKem768X25519Identity) return "xwing";
  return "mlkem768";
}

export function recipientFromKey(kind: KeyKind, publicKey: Uint8Array): PublicKeyRecipient {
  switch (kind) {
    case "x25519":
      return new X25519Recipient(publicKey);
    case "xwing":
      return new MlKem768X25519Recipient(publicKey);
    case "mlkem768":
      return new SmemMlKem768Recipient(publicKey);
  }
}

/** `age1…`, `age1pq1…` or `smem1mlkem1…` → a Recipient (FormatError when malformed). */
export function parseRecipientString(text: string): PublicKeyRecipient {
  const { kind, publicKey } = parseRecipient(text);
  return recipientFromKey(kind, publicKey);
}

export function recipientString(recipient: PublicKeyRecipient): string {
  return encodeRecipient(recipientKind(recipient), recipient.publicKey);
}

/** An identity of `kind` from its seed (copied; the caller keeps and destroys its own). */
export function identityFromSeed(kind: KeyKind, seed: LockedBuffer | Uint8Array): KeyIdentity {
  switch (kind) {
    case "x25519":
      return X25519Identity.fromSeed(seed);
    case "xwing":
      return MlKem768X25519Identity.fromSeed(seed);
    case "mlkem768":
      return SmemMlKem768Identity.fromSeed(seed);
  }
}

export function generateIdentity(kind: KeyKind): KeyIdentity {
  switch (kind) {
    case "x25519":
      return X25519Identity.generate();
    case "xwing":
      return MlKem768X25519Identity.generate();
    case "mlkem768":
      return SmemMlKem768Identity.generate();
  }
}

/** The identity's secret-key string (upper-case ASCII) in locked memory. */
export function identityString(identity: KeyIdentity): LockedBuffer {
  return encodeIdentity(identityKind(identity), identity.seed());
}

/** Parses one secret-key string held in locked memory. */
export function parseIdentityString(text: Uint8Array): KeyIdentity {
  const { kind, seed } = parseIdentity(text);
  try {
    return identityFromSeed(kind, seed);
  } finally {
    seed.destroy();
  }
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const HASH = 0x23;

function isBlank(line: Uint8Array): boolean {
  // Indexed, not for-of: iterating a typed array calls JavaScriptCore's iterator functions, which
  // are JavaScript parsed and compiled on first use in every process.
  for (let i = 0; i < line.length; i++) if (line[i] !== 0x20 && line[i] !== 0x09) return false;
  return true;
}

function startsWithAscii(line: Uint8Array, prefix: string): boolean {
  if (line.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (line[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

/**
 * The identities in an identity file whose bytes are `text` (a view of locked memory): blank
 * lines and `#` comments are skipped, every other line must be one secret key. Each line is
 * decoded in place; no part of a key becomes a string. `source` names the file in errors.
 */
export function parseIdentityFile(text: Uint8Array, source: string): KeyIdentity[] {
  const identities: KeyIdentity[] = [];
  try {
    let start = 0;
    let lineNumber = 0;
    while (start <= text.length) {
      let end = text.indexOf(NEWLINE, start);
      if (end < 0) end = text.length;
      lineNumber++;
      let stop = end;
      if (stop > start && text[stop - 1] === CR) stop--;
      const line = text.subarray(start, stop);
      start = end + 1;
      if (line.length === 0 || isBlank(line) || line[0] === HASH) continue;
      if (startsWithAscii(line, "AGE-PLUGIN-")) {
        throw new FormatError(`${source}: line ${lineNumber}: age plugin identities are not supported`);
      }
      if (startsWithAscii(line, "-----BEGIN")) {
        throw new FormatError(`${source}: line ${lineNumber}: SSH and PEM keys are not supported`);
      }
      try {
        identities.push(parseIdentityString(line));
      } catch (error) {
        const why = error instanceof Error ? error.message : "malformed secret key";
        throw new FormatError(`${source}: line ${lineNumber}: ${why}`);
      }
    }
    if (identities.length === 0) throw new FormatError(`${source}: no identities found`);
    return identities;
  } catch (error) {
    for (const identity of identities) identity.destroy();
    throw error;
  }
}

/** The recipients in a recipients file (`-R`): one per line, blank lines and `#` comments skipped. */
export function parseRecipientsFile(text: string, source: string): PublicKeyRecipient[] {
  const recipients: PublicKeyRecipient[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, "").trim();
    if (line === "" || line.startsWith("#")) continue;
    try {
      recipients.push(parseRecipientString(line));
    } catch (error) {
      const why = error instanceof Error ? error.message : "malformed recipient";
      throw new FormatError(`${source}: line ${i + 1}: ${why}`);
    }
  }
  if (recipients.length === 0) throw new FormatError(`${source}: no recipients found`);
  return recipients;
}

/** RFC 3339 local time with offset, as age-keygen writes `# created:`. */
export function rfc3339Local(date: Date): string {
  const pad = (n: number) => String(Math.trunc(Math.abs(n))).padStart(2, "0");
  const offset = -date.getTimezoneOffset();
  const zone = offset === 0 ? "Z" : `${offset > 0 ? "+" : "-"}${pad(offset / 60)}:${pad(offset % 60)}`;
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${zone}`
  );
}

/**
 * An age-keygen style identity file in locked memory:
 *   # created: 2026-01-02T15:04:05+01:00
 *   # public key: age1pq1…
 *   AGE-SECRET-KEY-PQ-1…
 */
export function formatIdentityFile(identity: KeyIdentity, created: Date = new Date()): LockedBuffer {
  const header = new TextEncoder().encode(
    `# created: ${rfc3339Local(created)}\n# public key: ${recipientString(identity.recipient())}\n`,
  );
  using key = identityString(identity);
  const out = LockedBuffer.alloc(header.length + key.size + 1);
  const o = out.bytes();
  o.set(header, 0);
  o.set(key.bytes(), header.length);
  o[header.length + key.size] = NEWLINE;
  return out;
}

/** True when any recipient carries the "postquantum" label. */
function isPostQuantum(recipient: Recipient): boolean {
  return recipient.labels?.includes(POSTQUANTUM_LABEL) ?? false;
}

/**
 * age refuses to mix post-quantum recipients with classical ones (the file would be only as
 * strong as its weakest stanza). With `allowClassical` the mix is accepted: the post-quantum
 * recipients are returned stripped of their label, as age's documentation suggests.
 */
export function checkRecipientMix(recipients: Recipient[], allowClassical: boolean): Recipient[] {
  let pq = 0; // counted in a loop: Array.prototype.filter is compiled on first use, every `seal`
  for (const recipient of recipients) if (isPostQuantum(recipient)) pq++;
  if (pq === 0 || pq === recipients.length) return recipients;
  if (!allowClassical) {
    throw new UsageError(
      "refusing to mix post-quantum and classical recipients: the file would not be post-quantum secure (pass --allow-classical to do it anyway)",
    );
  }
  return recipients.map((r) => (isPostQuantum(r) ? withoutLabels(r) : r));
}

/** The same recipient without labels, so it mixes with anything. */
export function withoutLabels(recipient: Recipient): Recipient {
  return { wrap: (fileKey: LockedBuffer): Stanza[] => recipient.wrap(fileKey) };
}
