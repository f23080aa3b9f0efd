// `smem kem`: post-quantum (and X25519) key pairs for age recipients, and raw KEM use.
import { defineSmemCommand, globalArgs } from "./common";

export default defineSmemCommand(
  {
    meta: {
      name: "kem",
      description: "Post-quantum keys: X-Wing (age1pq, default), ML-KEM-768, X25519",
    },
    args: { ...globalArgs },
    subCommands: {
      keygen: () => import("./kem/keygen").then((m) => m.default),
      pubkey: () => import("./kem/pubkey").then((m) => m.default),
      encaps: () => import("./kem/encaps").then((m) => m.default),
      decaps: () => import("./kem/decaps").then((m) => m.default),
    },
  },
  [
    "smem kem keygen -o backup-key.age          # X-Wing identity, passphrase-protected",
    "smem kem pubkey backup-key.age > backup.pub",
    "tar c ~/docs | smem seal -R backup.pub > docs.tar.age",
  ],
);
