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
import { writeHeader } from "./header";
import { FILE_KEY_BYTES, type Recipient } from "./recipient";

export interface EncryptOptions extends EngineOptions {
  /** PEM armor (`-----BEGIN AGE ENCRYPTED FILE-----`). */
  armor?: boolean;
}

/**
 * Encrypts `source` to `recipients` into `sink`. The recipients do their key wrapping (a
 * passphrase KDF) before the first byte is written.
 */
export async function encrypt(
  recipients: Recipient[],
  source: ByteSource,
  sink: ByteSink,
  opts: EncryptOptions = {},
): Promise<EngineResult> {
  const nonce = randomBytes(PAYLOAD_NONCE_BYTES);
  let header: Uint8Array;
  let key: LockedBuffer;
  {
    // The file key lives only as long as it takes to wrap it and derive the payload key.
    using fileKey = LockedBuffer.random(FILE_KEY_BYTES);
    header = writeHeader(recipients, fileKey);
    key = payloadKey(fileKey, nonce);
  }
  try {
    const out = opts.armor ? new ArmorSink(sink) : sink;
    await out.write(concatBytes(header, nonce));
    const result = await sealStream(key, source, out, opts);
    if (out instanceof ArmorSink) await out.end();
    return result;
  } finally {
    key.destroy();
  }
}
