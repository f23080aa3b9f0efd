// The C2SP CCTV age test vectors (npm cctv-age) as data, and a runner that takes each vector as
// far as the pieces available allow: armor → header → identities → header MAC → payload.
//
// Vector files (see node_modules/cctv-age/README.md): "key: value" lines, an empty line, then the
// age file (zlib-compressed when `compressed: zlib`). `expect` is one of success, no match,
// HMAC failure, header failure, payload failure, armor failure. smem maps them to exit codes:
// armor and header failures are FormatError (2); no match, HMAC and payload failures AuthError (3).
//
// Plug-in points: identity strings (`identity: AGE-SECRET-KEY-…`) become Identities through
// IDENTITY_FACTORIES (tests/helpers/cctv-age-identities.ts, the kem layer's key strings); the
// payload is decrypted through PAYLOAD_DECRYPTOR (tests/helpers/cctv-age-payload.ts,
// core/age/decrypt.ts). Without one of them a vector is reported as pending after every stage
// that can run.
import { createHash } from "node:crypto";
import { inflateSync } from "node:zlib";
import * as cctv from "cctv-age";
import {
  AuthError,
  dearmor,
  FormatError,
  type Identity,
  LockedBuffer,
  parseHeader,
  ScryptIdentity,
  SmemError,
  unwrapFileKey,
  utf8,
} from "../../core";
import { encodeHeader } from "../../core/age/header";
import { IDENTITY_FACTORIES } from "./cctv-age-identities";
import { PAYLOAD_DECRYPTOR } from "./cctv-age-payload";

export type Expect =
  | "success"
  | "no match"
  | "HMAC failure"
  | "header failure"
  | "payload failure"
  | "armor failure";

export interface Vector {
  name: string;
  expect: Expect;
  /** SHA-256 (hex) of every plaintext byte released, also for payload failures. */
  payload?: string;
  fileKey?: string;
  identities: string[];
  passphrases: string[];
  armored: boolean;
  comment?: string;
  file: Uint8Array;
}

export function loadVectors(): Vector[] {
  const out: Vector[] = [];
  const dec = new TextDecoder();
  for (const [name, raw] of Object.entries(cctv as Record<string, Uint8Array>)) {
    if (!(raw instanceof Uint8Array)) continue;
    const v: Vector = { name, expect: "success", identities: [], passphrases: [], armored: false, file: raw };
    let pos = 0;
    let compressed = false;
    for (;;) {
      const nl = raw.indexOf(0x0a, pos);
      if (nl < 0) throw new Error(`${name}: no payload`);
      const line = dec.decode(raw.subarray(pos, nl));
      pos = nl + 1;
      if (line === "") break;
      const sep = line.indexOf(": ");
      const key = line.slice(0, sep);
      const value = line.slice(sep + 2);
      switch (key) {
        case "expect":
          v.expect = value as Expect;
          break;
        case "payload":
          v.payload = value;
          break;
        case "file key":
          v.fileKey = value;
          break;
        case "identity":
          v.identities.push(value);
          break;
        case "passphrase":
          v.passphrases.push(value);
          break;
        case "armored":
          v.armored = value === "yes";
          break;
        case "compressed":
          if (value !== "zlib") throw new Error(`${name}: unknown compression ${value}`);
          compressed = true;
          break;
        case "comment":
          v.comment = value;
          break;
        default:
          throw new Error(`${name}: unknown key ${key}`);
      }
    }
    const body = raw.subarray(pos);
    v.file = compressed ? new Uint8Array(inflateSync(body)) : body;
    out.push(v);
  }
  return out;
}

/** What smem must do with the vector: succeed, or fail with this exit code. */
export function expectedExit(e: Expect): 0 | 2 | 3 {
  if (e === "success") return 0;
  if (e === "header failure" || e === "armor failure") return 2;
  return 3;
}

export type Outcome =
  | {
      kind: "done";
      exit: 0 | 2 | 3;
      stage: string;
      message?: string;
      /** Every plaintext byte the decryptor released (payload stage only). */
      plaintext?: Uint8Array;
      plaintextSha256?: string;
      headerRoundtrip?: boolean;
    }
  | { kind: "pending"; on: ("kem" | "stream")[]; stage: string; headerRoundtrip?: boolean };

function exitOf(e: unknown): 2 | 3 {
  if (e instanceof FormatError) return 2;
  if (e instanceof AuthError) return 3;
  throw e; // anything else is a bug: let the test fail with it
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** Runs one vector through every stage available. Never throws for expected failures. */
export async function runVector(v: Vector): Promise<Outcome> {
  let data = v.file;
  if (v.armored) {
    try {
      data = dearmor(v.file);
    } catch (e) {
      return { kind: "done", exit: exitOf(e), stage: "armor", message: (e as Error).message };
    }
  }
  let header: ReturnType<typeof parseHeader>;
  try {
    header = parseHeader(data, true);
  } catch (e) {
    return { kind: "done", exit: exitOf(e), stage: "header", message: (e as Error).message };
  }
  if (header === null) throw new Error("parseHeader returned null with atEnd");
  // A parsed header must re-encode byte for byte (MAC line included).
  const reencoded = encodeHeaderFromParsed(header);
  const headerRoundtrip = sameBytes(reencoded, data.subarray(0, header.length));

  const missing = new Set<"kem" | "stream">();
  const passphrases = v.passphrases.map((p) => LockedBuffer.fromBytes(utf8(p)));
  const identities: Identity[] = [];
  try {
    for (const s of v.identities) {
      const factory = IDENTITY_FACTORIES.find((f) => s.startsWith(f.prefix));
      if (factory) identities.push(factory.make(s));
      else missing.add("kem");
    }
    for (const p of passphrases) identities.push(new ScryptIdentity(p));
    let fileKey: LockedBuffer;
    try {
      fileKey = unwrapFileKey(header, identities);
    } catch (e) {
      const exit = exitOf(e);
      // Without every identity the vector names, a "no match" may just be a missing identity.
      if (missing.size > 0)
        return { kind: "pending", on: [...missing], stage: "identities", headerRoundtrip };
      return { kind: "done", exit, stage: "unwrap", message: (e as Error).message, headerRoundtrip };
    }
    fileKey.destroy();
    if (PAYLOAD_DECRYPTOR === null) {
      missing.add("stream");
      return { kind: "pending", on: [...missing], stage: "payload", headerRoundtrip };
    }
    const r = await PAYLOAD_DECRYPTOR(v.file, identities, v.armored);
    const plaintext = r.plaintext;
    const plaintextSha256 = sha256(plaintext);
    if (r.error === undefined) {
      return { kind: "done", exit: 0, stage: "payload", plaintext, plaintextSha256, headerRoundtrip };
    }
    return {
      kind: "done",
      exit: exitOf(r.error),
      stage: "payload",
      message: (r.error as Error).message,
      plaintext,
      plaintextSha256,
      headerRoundtrip,
    };
  } finally {
    for (const p of passphrases) p.destroy();
    for (const id of identities) (id as Partial<Disposable>)[Symbol.dispose]?.();
  }
}

function encodeHeaderFromParsed(h: NonNullable<ReturnType<typeof parseHeader>>): Uint8Array {
  // encodeHeader computes a MAC from a file key; to re-encode the parsed MAC instead, encode with
  // a throwaway key and splice the original MAC line back in.
  using key = LockedBuffer.alloc(16);
  const withOtherMac = encodeHeader(h.stanzas, key);
  const macLine = utf8(` ${Buffer.from(h.mac).toString("base64").replace(/=+$/, "")}\n`);
  const out = new Uint8Array(withOtherMac.length);
  const cut = withOtherMac.length - macLine.length;
  out.set(withOtherMac.subarray(0, cut), 0);
  out.set(macLine, cut);
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export { SmemError };
