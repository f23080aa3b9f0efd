// `smem vault`: named secrets at rest. Each verb lives in cmd/vault/<verb>.ts and is loaded only
// when named, so `smem vault has` loads neither the shim nor any cryptography.
import { defineSmemCommand } from "./common";

export default defineSmemCommand(
  {
    meta: {
      name: "vault",
      description: "Named secrets at rest: init, set, get, has, rm, ls, stats, purge, rekey",
    },
    subCommands: {
      init: () => import("./vault/init").then((m) => m.default),
      set: () => import("./vault/set").then((m) => m.default),
      get: () => import("./vault/get").then((m) => m.default),
      has: () => import("./vault/has").then((m) => m.default),
      rm: () => import("./vault/rm").then((m) => m.default),
      ls: () => import("./vault/ls").then((m) => m.default),
      stats: () => import("./vault/stats").then((m) => m.default),
      purge: () => import("./vault/purge").then((m) => m.default),
      rekey: () => import("./vault/rekey").then((m) => m.default),
    },
  },
  [
    "smem vault init",
    'printf %s "$TOKEN" | smem vault set api-token     # no passphrase needed',
    "smem vault get api-token --show",
  ],
);
