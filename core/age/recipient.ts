// What every recipient type plugs into (helpers `age` and `kem` implement these).
import type { LockedBuffer } from "../locked-buffer";
import type { Stanza } from "./stanza";

/** Wraps a file key for one party. */
export interface Recipient {
  /** One or more stanzas that each wrap `fileKey` (the caller keeps ownership of `fileKey`). */
  wrap(fileKey: LockedBuffer): Stanza[];
  /**
   * As age's RecipientWithLabels: every recipient in a file must carry the same label set
   * (absent = empty set). Post-quantum recipients say "postquantum"; passphrase recipients use
   * a fresh random label so they can be combined with nothing else.
   */
  readonly labels?: readonly string[];
  /**
   * Optional: wrap on a thread of its own (a passphrase KDF). Returns at once with `shape`, the
   * stanzas exactly as long as the real ones once encoded (same type and arguments, body zeroed),
   * and the real stanzas later. Lets seal write the payload behind a header of known length while
   * the KDF runs. `fileKey` must stay alive until `stanzas` settles.
   */
  wrapAsync?(fileKey: LockedBuffer): { shape: Stanza[]; stanzas: Promise<Stanza[]> };
}

/** Unwraps a file key from the stanzas of a header. */
export interface Identity {
  /**
   * The file key (16 bytes, locked; the caller destroys it), or null when no stanza is for this
   * identity. Throws AuthError when a stanza is ours but does not open (wrong passphrase), and
   * FormatError when a stanza of our type is malformed.
   */
  unwrap(stanzas: readonly Stanza[]): LockedBuffer | null;
}

export const FILE_KEY_BYTES = 16;
