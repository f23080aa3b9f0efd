// A whole age v1 file, streamed: header (helper age's writeHeader: stanzas + MAC), the 16-byte
// payload nonce, then the STREAM payload from core/stream; optionally armored. Constant memory
// whatever the input size.
import { concatBytes } from "../bytes";
import { LockedBuffer } from "../locked-buffer";
import { randomBytes } from "../random";
import { type EngineOptions, type EngineResult, sealStream } from "../stream/engine";
import type { ByteSink, ByteSource } from "../stream/io";
import { PAYLOAD_NONCE_BYTES, payloadKey } from "../stream/payload-key";
import { ArmorSink } from "./armor-stream";
import { writeHeader, writeHeaderAsync } from "./header";
import { FILE_KEY_BYTES, type Recipient } from "./recipient";

export interface EncryptOptions extends EngineOptions {
  /** PEM armor (`-----BEGIN AGE ENCRYPTED FILE-----`). */
  armor?: boolean;
}

/**
 * Encrypts `source` to `recipients` into `sink`. The recipients do their key wrapping (a
 * passphrase KDF) before the first byte is written — except where the sink can keep the header's
 * place (an -o file of our own, not armored) and the recipients can wrap on another thread (the
 * smem-argon2id passphrase): then the payload is encrypted and written behind a reserved header
 * while the KDF runs, and the header fills its place at the end. The bytes are the same either
 * way (the payload key comes from the random file key, not from the passphrase).
 */
export async function encrypt(
  recipients: Recipient[],
  source: ByteSource,
  sink: ByteSink,
  opts: EncryptOptions = {},
): Promise<EngineResult> {
  const nonce = randomBytes(PAYLOAD_NONCE_BYTES);
  // The file key lives only as long as it takes to wrap it and derive the payload key.
  const fileKey = LockedBuffer.random(FILE_KEY_BYTES);
  let key: LockedBuffer | null = null;
  let pendingHeader: Promise<Uint8Array> | null = null;
  try {
    const early = !opts.armor && sink.reserve ? writeHeaderAsync(recipients, fileKey) : null;
    if (early && sink.reserve) {
      pendingHeader = early.header;
      // A failed KDF surfaces where the header is awaited, not as an unhandled rejection.
      early.header.catch(() => {});
      key = payloadKey(fileKey, nonce);
      const place = await sink.reserve(early.length + PAYLOAD_NONCE_BYTES);
      try {
        const result = await sealStream(key, source, sink, opts);
        await place.fill(concatBytes(await early.header, nonce));
        return result;
      } catch (err) {
        // No zeroed header over a partial payload left behind (a failed KDF, a read error).
        place.discard?.();
        throw err;
      }
    }
    const header = writeHeader(recipients, fileKey);
    key = payloadKey(fileKey, nonce);
    fileKey.destroy();
    const out = opts.armor ? new ArmorSink(sink) : sink;
    await out.write(concatBytes(header, nonce));
    const result = await sealStream(key, source, out, opts);
    if (out instanceof ArmorSink) await out.end();
    return result;
  } finally {
    // The wrap reads the file key once its KDF is done: the key stays until the header settles.
    if (pendingHeader) await pendingHeader.catch(() => {});
    fileKey.destroy();
    key?.destroy();
  }
}
