// Reading a whole age v1 file, streamed: detect armor, parse the header (helper age's
// parseHeader), let the caller choose identities from the stanzas (so `open` asks for a
// passphrase only when there is a passphrase stanza), unwrap the file key and check the header
// MAC before any payload is touched, then open the STREAM payload chunk by chunk.
import { FormatError } from "../errors";
import type { LockedBuffer } from "../locked-buffer";
import { type EngineOptions, type EngineResult, openStream } from "../stream/engine";
import { type ByteSink, type ByteSource, PrefixSource, readFull } from "../stream/io";
import { PAYLOAD_NONCE_BYTES, payloadKey } from "../stream/payload-key";
import { ARMOR_DETECT_BYTES, isArmored } from "./armor";
import { ArmorSource } from "./armor-stream";
import { type ParsedHeader, parseHeader, unwrapFileKey } from "./header";
import type { Identity } from "./recipient";

const HEADER_READ_BYTES = 16 * 1024;

export type IdentityChooser = (header: ParsedHeader) => Identity[] | Promise<Identity[]>;

export interface DecryptResult extends EngineResult {
  armored: boolean;
}

/** Reads up to `want` bytes (fewer only at the end of the input). */
async function readUpTo(source: ByteSource, want: number): Promise<Uint8Array> {
  const buf = new Uint8Array(want);
  const n = await readFull(source, buf);
  return buf.subarray(0, n);
}

/** Parses the header, reading more as needed; returns it and the source positioned after it. */
async function readHeader(source: ByteSource): Promise<{ header: ParsedHeader; rest: ByteSource }> {
  let acc: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  for (;;) {
    const more = await readUpTo(source, HEADER_READ_BYTES);
    const atEnd = more.length < HEADER_READ_BYTES;
    const next = new Uint8Array(acc.length + more.length);
    next.set(acc, 0);
    next.set(more, acc.length);
    acc = next;
    const header = parseHeader(acc, atEnd);
    if (header !== null) {
      return { header, rest: new PrefixSource(acc.subarray(header.length), source) };
    }
  }
}

/**
 * Decrypts `source` into `sink`. `chooseIdentities` sees the parsed header first. FormatError
 * (exit 2) for a malformed file, AuthError (exit 3) for a wrong key, a bad MAC or any payload
 * failure; plaintext reaches `sink` only chunk batches that authenticated.
 */
export async function decrypt(
  source: ByteSource,
  sink: ByteSink,
  chooseIdentities: IdentityChooser,
  opts: EngineOptions = {},
): Promise<DecryptResult> {
  const start = await readUpTo(source, ARMOR_DETECT_BYTES);
  const armored = isArmored(start);
  const raw = new PrefixSource(start, source);
  const input: ByteSource = armored ? new ArmorSource(raw) : raw;
  const { header, rest } = await readHeader(input);
  const identities = await chooseIdentities(header);
  let key: LockedBuffer;
  {
    // The header MAC is verified here, before a single payload byte is read.
    using fileKey = unwrapFileKey(header, identities);
    const nonce = await readUpTo(rest, PAYLOAD_NONCE_BYTES);
    // A file without its whole nonce is malformed (as age and the CCTV suite say).
    if (nonce.length < PAYLOAD_NONCE_BYTES)
      throw new FormatError("the age file ends before its payload nonce");
    key = payloadKey(fileKey, nonce);
  }
  try {
    const result = await openStream(key, rest, sink, opts);
    return { ...result, armored };
  } finally {
    key.destroy();
  }
}
