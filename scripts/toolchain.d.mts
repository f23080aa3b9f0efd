export const ZIG: { version: string };
export const LIBSODIUM: {
  version: string;
  artifact: string;
  url: string;
  sha256: string;
  bytes: number;
  topDir: string;
};
