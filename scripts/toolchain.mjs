// Pinned toolchain and source artifacts. Changing a pin here is the whole upgrade procedure:
// setup.mjs re-installs and re-verifies, and the shim is rebuilt because its input hash changes.
export const ZIG = {
  // PyPI `ziglang` wheels repackage the official Zig release tarballs.
  version: "0.15.2",
};

export const LIBSODIUM = {
  version: "1.0.22",
  // Debian's source package carries the upstream release tarball as its .orig.tar.gz: a pinned,
  // hash-checked artifact on a package registry (deb.debian.org and its mirrors). Upstream
  // publishes the same release as libsodium-1.0.22.tar.gz on download.libsodium.org and as the
  // GitHub tag 1.0.22-RELEASE (README, "Other machines").
  artifact: "Debian source package libsodium 1.0.22 (libsodium_1.0.22.orig.tar.gz)",
  url: "http://deb.debian.org/debian/pool/main/libs/libsodium/libsodium_1.0.22.orig.tar.gz",
  sha256: "5838bb0c3da6148c24ebe531d1ed1297de9a87aea77d426bcd99f289e681631c",
  bytes: 2269468,
  // The tarball's single top-level directory.
  topDir: "libsodium-1.0.22-RELEASE",
};
