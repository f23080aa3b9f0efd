// Pinned toolchain and source artifacts. Changing a pin here is the whole upgrade procedure:
// setup.mjs re-installs and re-verifies, and the shim is rebuilt because its input hash changes.
export const ZIG = {
  // PyPI `ziglang` wheels repackage the official Zig release tarballs.
  version: "0.15.2",
};

export const LIBSODIUM = {
  version: "1.0.20-stable",
  // PyNaCl's sdist carries libsodium-stable under src/libsodium; it is the pinned, hash-checked
  // artifact reachable from every registry mirror smem builds on.
  artifact: "PyPI sdist pynacl==1.6.2",
  pypiName: "pynacl",
  pypiVersion: "1.6.2",
  sha256: "018494d6d696ae03c7e656e5e74cdfd8ea1326962cc401bcf018f1ed8436811c",
  subdir: "src/libsodium",
};
