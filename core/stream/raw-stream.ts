// The raw stream format of `smem stream` (DESIGN 7.4, docs/FORMAT.md "Raw stream"): for data
// under a 32-byte key the user already holds (from `smem kdf -o` or `smem kem decaps`).
//
//   "smem-stream/v1\n" (15 bytes) || nonce (16 random bytes) || age STREAM payload
//
// payload key = HKDF-SHA-256(ikm = the 32-byte key, salt = nonce, info = "smem-stream/v1 payload").
// The info string differs from age's "payload", so the same 32 bytes used as an age file key
// (impossible in practice, file keys are 16 bytes) could never yield the same payload key.
// Nothing in the header needs a MAC: a changed nonce derives another key and the first chunk
// fails to authenticate; a changed magic is not this format.
import { utf8 } from "../bytes";
import { FormatError, UsageError } from "../errors";
import type { LockedBuffer } from "../locked-buffer";
import { randomBytes } from "../random";
import { type EngineOptions, type EngineResult, openStream, sealStream } from "./engine";
import { type ByteSink, type ByteSource, readFull } from "./io";
import { deriveStreamKey, PAYLOAD_NONCE_BYTES } from "./payload-key";

export const RAW_STREAM_MAGIC = utf8("smem-stream/v1\n");
export const RAW_STREAM_HEADER_BYTES = RAW_STREAM_MAGIC.length + PAYLOAD_NONCE_BYTES;
export const RAW_STREAM_KEY_BYTES = 32;
const RAW_STREAM_INFO = utf8("smem-stream/v1 payload");

function checkKey(key: LockedBuffer): void {
  if (key.size !== RAW_STREAM_KEY_BYTES) {
    throw new UsageError(`the stream key must be ${RAW_STREAM_KEY_BYTES} bytes, got ${key.size}`);
  }
}

/** The header for a given nonce (exported for the format documentation's worked example). */
export function rawStreamHeader(nonce: Uint8Array): Uint8Array {
  const header = new Uint8Array(RAW_STREAM_HEADER_BYTES);
  header.set(RAW_STREAM_MAGIC, 0);
  header.set(nonce, RAW_STREAM_MAGIC.length);
  return header;
}

/** The payload key of a raw stream. */
export function rawStreamPayloadKey(key: LockedBuffer, nonce: Uint8Array): LockedBuffer {
  checkKey(key);
  return deriveStreamKey(key, nonce, RAW_STREAM_INFO);
}

export async function sealRawStream(
  key: LockedBuffer,
  source: ByteSource,
  sink: ByteSink,
  opts: EngineOptions & { nonce?: Uint8Array } = {},
): Promise<EngineResult> {
  checkKey(key);
  const nonce = opts.nonce ?? randomBytes(PAYLOAD_NONCE_BYTES);
  using payload = rawStreamPayloadKey(key, nonce);
  await sink.write(rawStreamHeader(nonce));
  // `await` here: the payload key must outlive the whole engine run, not just this frame.
  return await sealStream(payload, source, sink, opts);
}

export async function openRawStream(
  key: LockedBuffer,
  source: ByteSource,
  sink: ByteSink,
  opts: EngineOptions = {},
): Promise<EngineResult> {
  checkKey(key);
  const header = new Uint8Array(RAW_STREAM_HEADER_BYTES);
  const n = await readFull(source, header);
  const magicSeen = Math.min(n, RAW_STREAM_MAGIC.length);
  for (let i = 0; i < magicSeen; i++) {
    if (header[i] !== RAW_STREAM_MAGIC[i]) {
      throw new FormatError("not a smem stream: the input does not start with 'smem-stream/v1'");
    }
  }
  if (n === 0) throw new FormatError("input is empty, not a smem stream");
  if (n < RAW_STREAM_HEADER_BYTES) throw new FormatError("the smem stream header is truncated");
  using payload = rawStreamPayloadKey(key, header.subarray(RAW_STREAM_MAGIC.length));
  return await openStream(payload, source, sink, opts);
}
