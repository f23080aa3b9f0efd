// How the CCTV harness decrypts a whole vector (header + payload) once the stream layer's
// core/age/decrypt.ts exists: given the file as stored in the vector (armored or not) and the
// identities, return every plaintext byte the decryptor released and the error it ended with
// (undefined on success). Null until then: payload vectors are reported as pending on stream.
import type { Identity } from "../../core";

export type PayloadDecryptor = (
  file: Uint8Array,
  identities: Identity[],
  armored: boolean,
) => Promise<{ plaintext: Uint8Array; error?: unknown }>;

export const PAYLOAD_DECRYPTOR: PayloadDecryptor | null = null;
