// How the CCTV harness decrypts a whole vector (header + payload): through core/age/decrypt.ts,
// the streaming decryptor `smem open` uses, with the vector's identities. Returns every plaintext
// byte the decryptor released and the error it ended with (undefined on success). A small batch
// (2 chunks) puts batch boundaries inside the multi-chunk vectors.
import type { Identity } from "../../core";
import { decrypt } from "../../core/age/decrypt";
import { BytesSource, CollectSink } from "../../core/stream";

export type PayloadDecryptor = (
  file: Uint8Array,
  identities: Identity[],
  armored: boolean,
) => Promise<{ plaintext: Uint8Array; error?: unknown }>;

export const PAYLOAD_DECRYPTOR: PayloadDecryptor | null = async (file, identities, armored) => {
  const sink = new CollectSink();
  try {
    const r = await decrypt(new BytesSource(file), sink, () => identities, { batchChunks: 2 });
    if (r.armored !== armored) throw new Error(`armor detected as ${r.armored}, vector says ${armored}`);
    return { plaintext: sink.bytes() };
  } catch (error) {
    return { plaintext: sink.bytes(), error };
  }
};
