// core/stream: the age STREAM payload at native speed, and the raw stream format.
export {
  CHUNK_BYTES,
  defaultThreads,
  openBatch,
  SEALED_CHUNK_BYTES,
  sealBatch,
  sealedLength,
  TAG_BYTES,
} from "./batch";
export {
  DEFAULT_BATCH_CHUNKS,
  type EngineOptions,
  type EngineResult,
  openStream,
  sealStream,
} from "./engine";
export {
  type ByteSink,
  type ByteSource,
  BytesSource,
  CollectSink,
  FdSink,
  FdSource,
  PrefixSource,
  type ReservedBytes,
  readFull,
} from "./io";
export { deriveStreamKey, PAYLOAD_KEY_BYTES, PAYLOAD_NONCE_BYTES, payloadKey } from "./payload-key";
export {
  openRawStream,
  RAW_STREAM_HEADER_BYTES,
  RAW_STREAM_KEY_BYTES,
  RAW_STREAM_MAGIC,
  rawStreamHeader,
  rawStreamPayloadKey,
  sealRawStream,
} from "./raw-stream";
export { parseStreamKey } from "./stream-key";
