export { addressOfBytes, readPointer, viewAt } from "./memory";
export { developmentShimPath, type Shim, ShimLoadError, setEmbeddedShim, shim, shimLoaded } from "./shim";
