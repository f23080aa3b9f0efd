export { nodePath } from "./cache-dir";
export { type EmbeddedShimInfo, embeddedShim, setEmbeddedShim } from "./embedded";
export { addressOfBytes, readByteAt, readPointer, viewAt, writeByteAt } from "./memory";
export {
  developmentShimPath,
  type Shim,
  ShimLoadError,
  type ShimOrigin,
  shim,
  shimLoaded,
  shimOrigin,
} from "./shim";
