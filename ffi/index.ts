export { addressOfBytes, readByteAt, readPointer, viewAt, writeByteAt } from "./memory";
export { developmentShimPath, type Shim, ShimLoadError, setEmbeddedShim, shim, shimLoaded } from "./shim";
