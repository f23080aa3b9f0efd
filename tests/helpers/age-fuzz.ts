// Mutation fuzzing of the age reading path: armor → header → identities → MAC → payload (through
// core/age/sealed-bytes.ts, and through the streaming decryptor once it is plugged in).
// Shared by the bounded bun test and scripts/fuzz-age.ts.
//
// Seeds are valid files: every CCTV "success" vector (X25519, hybrid, scrypt, armored, grease,
// odd stanza characters) and files written here with smem-argon2id, scrypt and several X25519
// recipients. Each case applies one to three mutations (bytes, lines, base64 tokens, numeric
// arguments, stanza blocks, truncation, chunk-boundary cuts, armor layout) and runs the reader.
// Invariants: only FormatError (exit 2) or AuthError (exit 3) may escape, and a file that still
// opens must have exactly the header bytes and the plaintext of its seed (any header change must
// be caught by the parser or the MAC, any payload change by the chunk tags).
import { createHash } from "node:crypto";
import {
  ARMOR_DETECT_BYTES,
  Argon2idIdentity,
  Argon2idRecipient,
  ArmorDecoder,
  AuthError,
  armor,
  dearmor,
  FormatError,
  type Identity,
  isArmored,
  LockedBuffer,
  parseHeader,
  type Recipient,
  ScryptIdentity,
  ScryptRecipient,
  unwrapFileKey,
  utf8,
} from "../../core";
import { identityString } from "../../core/age/keys";
import { openBytes, sealBytes } from "../../core/age/sealed-bytes";
import { X25519Identity } from "../../core/age/x25519";
import { loadVectors } from "./cctv-age";
import { IDENTITY_FACTORIES } from "./cctv-age-identities";
import { PAYLOAD_DECRYPTOR } from "./cctv-age-payload";

/** Deterministic PRNG (mulberry32) so any failing case can be replayed from (seed, index). */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
}

export interface FuzzSeed {
  name: string;
  file: Uint8Array;
  /** The binary (dearmored) header, through the MAC line. */
  header: Uint8Array;
  /** SHA-256 (hex) of the plaintext: a mutated file that still opens must give exactly this. */
  plaintextSha256: string;
  /** The plaintext: whatever a failing decryptor released must be a prefix of it. */
  plaintext: Uint8Array;
  /** The passphrase it was encrypted with, if any (for the CLI campaign). */
  passphrase?: string;
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

export interface FuzzCorpus {
  seeds: FuzzSeed[];
  identities: Identity[];
  /** Every public-key identity above as a secret-key string (an identity file for `smem open`). */
  identityStrings: string[];
  [Symbol.dispose](): void;
}

const SMALL_ARGON2ID = { memoryKiB: 8, iterations: 1, rounds: 1 };

export function buildCorpus(): FuzzCorpus {
  const owned: { destroy(): void }[] = [];
  const identities: Identity[] = [];
  const seeds: FuzzSeed[] = [];
  const seen = new Set<string>();
  const identityStrings: string[] = [];
  const addSeed = (name: string, file: Uint8Array, plaintextSha256: string, passphrase?: string) => {
    const data = isArmored(file.subarray(0, ARMOR_DETECT_BYTES)) ? dearmor(file) : file;
    const h = parseHeader(data, true);
    if (!h) throw new Error("unreachable");
    using opened = openBytes(file, identities);
    const plaintext = opened.bytes().slice();
    if (sha256(plaintext) !== plaintextSha256) throw new Error(`seed ${name} does not open to its plaintext`);
    seeds.push({ name, file, header: data.slice(0, h.length), plaintextSha256, plaintext, passphrase });
  };
  for (const v of loadVectors()) {
    // Large vectors would only slow the campaign down; their structure is covered by smaller ones.
    if (v.expect !== "success" || v.file.length > 200_000) continue;
    for (const s of v.identities) {
      if (seen.has(s)) continue;
      seen.add(s);
      const f = IDENTITY_FACTORIES.find((x) => s.startsWith(x.prefix));
      if (f) {
        identities.push(f.make(s));
        identityStrings.push(s);
      }
    }
    for (const p of v.passphrases) {
      if (seen.has(p)) continue;
      seen.add(p);
      const pw = LockedBuffer.fromBytes(utf8(p));
      owned.push(pw);
      identities.push(new ScryptIdentity(pw, { maxWorkFactor: 10 }));
    }
    addSeed(`cctv:${v.name}`, v.file, v.payload as string, v.passphrases[0]);
  }

  const pw = LockedBuffer.fromBytes(utf8("fuzz passphrase"));
  owned.push(pw);
  // Low limits: a mutated work factor or memory size is refused instead of run.
  identities.push(new ScryptIdentity(pw, { maxWorkFactor: 10 }));
  identities.push(
    new Argon2idIdentity(pw, { maxMemoryKiB: 64, maxIterations: 2, maxMemoryPasses: 128, maxRounds: 4 }),
  );
  const x = X25519Identity.generate();
  const y = X25519Identity.generate();
  owned.push(x, y);
  identities.push(x);
  {
    // A throwaway key generated for this run: as a string only to write the CLI's identity file.
    using text = identityString(x);
    identityStrings.push(new TextDecoder().decode(text.bytes()));
  }
  const payload = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 29 + 3) & 255);
  const make = (name: string, recipients: Recipient[], plaintextBytes: number) => {
    const plaintext = payload(plaintextBytes);
    const file = sealBytes(recipients, plaintext);
    const passphrase = recipients.some((r) => r instanceof Argon2idRecipient || r instanceof ScryptRecipient)
      ? "fuzz passphrase"
      : undefined;
    addSeed(name, file, sha256(plaintext), passphrase);
    addSeed(`${name}+armor`, armor(file), sha256(plaintext), passphrase);
  };
  make("smem-argon2id", [new Argon2idRecipient(pw, SMALL_ARGON2ID)], 40);
  make("scrypt-2", [new ScryptRecipient(pw, { workFactor: 2 })], 33);
  const grease: Recipient = {
    wrap: () => [{ type: "fuzz.example/grease", args: ["a", "b="], body: payload(150) }],
  };
  make("x25519x3+grease", [y.recipient(), x.recipient(), grease, y.recipient()], 100);
  make("x25519-two-chunks", [x.recipient()], 65536 + 10);
  make("x25519-empty", [x.recipient()], 0);

  return {
    seeds,
    identities,
    identityStrings,
    [Symbol.dispose]() {
      for (const id of identities) (id as Partial<Disposable>)[Symbol.dispose]?.();
      for (const o of owned) o.destroy();
    },
  };
}

const INTERESTING_BYTES = [0x0a, 0x0d, 0x20, 0x3d, 0x2d, 0x3e, 0x00, 0xff, 0x41, 0x2f, 0x2b, 0x09, 0x80];
const NUMBERS = [
  "0",
  "01",
  "1",
  "2",
  "10",
  "11",
  "22",
  "23",
  "-1",
  "+1",
  "1e3",
  "0x10",
  "4294967296",
  "9".repeat(25),
];
const TOKENS = ["->", "---", "-> X25519", "-> scrypt", "-> smem-argon2id", "=", "==", "AA", " ", "\r", "\n"];

function splice(b: Uint8Array, atIn: number, removeIn: number, insert: Uint8Array): Uint8Array {
  const at = Math.max(0, Math.min(atIn, b.length));
  const remove = Math.max(0, Math.min(removeIn, b.length - at));
  const out = new Uint8Array(b.length - remove + insert.length);
  out.set(b.subarray(0, at), 0);
  out.set(insert, at);
  out.set(b.subarray(at + remove), at + insert.length);
  return out;
}

function lineStarts(b: Uint8Array, end: number): number[] {
  const starts = [0];
  for (let i = 0; i < end; i++) if (b[i] === 0x0a && i + 1 < b.length) starts.push(i + 1);
  return starts;
}

function lineEnd(b: Uint8Array, start: number): number {
  const i = b.indexOf(0x0a, start);
  return i < 0 ? b.length : i + 1;
}

/** A byte position, biased toward the header region where the parsing logic is. */
function position(rng: Rng, b: Uint8Array, headerEnd: number): number {
  const limit = rng.int(4) === 0 ? b.length : Math.min(b.length, headerEnd + 20);
  return rng.int(limit + 1);
}

/** One random mutation of `b`. */
export function mutateOnce(rng: Rng, b: Uint8Array, headerEndIn: number): Uint8Array {
  if (b.length === 0) return utf8(rng.pick(TOKENS));
  const headerEnd = Math.min(headerEndIn, b.length);
  const pos = Math.min(position(rng, b, headerEnd), b.length - 1);
  switch (rng.int(14)) {
    case 0: {
      const out = b.slice();
      out[pos] = (out[pos] as number) ^ (1 << rng.int(8));
      return out;
    }
    case 1: {
      const out = b.slice();
      out[pos] = rng.pick(INTERESTING_BYTES);
      return out;
    }
    case 2:
      return splice(b, pos, 0, Uint8Array.of(rng.pick(INTERESTING_BYTES)));
    case 3:
      return splice(b, pos, Math.min(1 + rng.int(4), b.length - pos), new Uint8Array(0));
    case 4: {
      // Duplicate, delete or swap whole header lines.
      const starts = lineStarts(b, headerEnd);
      const a = rng.pick(starts);
      const aEnd = lineEnd(b, a);
      const line = b.slice(a, aEnd);
      const op = rng.int(3);
      if (op === 0) return splice(b, a, 0, line);
      if (op === 1) return splice(b, a, aEnd - a, new Uint8Array(0));
      const c = rng.pick(starts);
      if (c === a) return b;
      const cEnd = lineEnd(b, c);
      const [first, firstEnd, second, secondEnd] = a < c ? [a, aEnd, c, cEnd] : [c, cEnd, a, aEnd];
      if (firstEnd > second) return b;
      return new Uint8Array(
        Buffer.concat([
          b.subarray(0, first),
          b.subarray(second, secondEnd),
          b.subarray(firstEnd, second),
          b.subarray(first, firstEnd),
          b.subarray(secondEnd),
        ]),
      );
    }
    case 5: {
      // CR before a newline, or trailing / doubled spaces on a header line.
      const a = rng.pick(lineStarts(b, headerEnd));
      const nl = lineEnd(b, a) - 1;
      return splice(b, nl, 0, utf8(rng.pick(["\r", " ", "  "])));
    }
    case 6: {
      // Replace a space-separated token of a header line with a number or a token.
      const a = rng.pick(lineStarts(b, headerEnd));
      const end = lineEnd(b, a) - 1;
      const words = new TextDecoder("latin1").decode(b.subarray(a, end)).split(" ");
      words[rng.int(words.length)] = rng.int(2) ? rng.pick(NUMBERS) : rng.pick(TOKENS);
      return splice(b, a, end - a, new Uint8Array(Buffer.from(words.join(" "), "latin1")));
    }
    case 7: {
      // Base64 edits: change the last character of a line, add padding, extend by "AA".
      const a = rng.pick(lineStarts(b, headerEnd));
      const end = lineEnd(b, a) - 1;
      if (end <= a) return splice(b, a, 0, utf8(rng.pick(["AA", "A", "="])));
      const out = b.slice();
      const choice = rng.int(3);
      if (choice === 0) out[end - 1] = rng.pick([0x41, 0x42, 0x2b, 0x2f, 0x3d, 0x67]);
      else return splice(b, end, 0, utf8(choice === 1 ? "=" : "AA"));
      return out;
    }
    case 8: {
      // Duplicate or drop a whole stanza block (from "->" to the next "->" or "---").
      const text = new TextDecoder("latin1").decode(b.subarray(0, headerEnd));
      const starts = [...text.matchAll(/^-> /gm)].map((m) => m.index);
      if (starts.length === 0) return b;
      const s = rng.pick(starts);
      const next = text.slice(s + 1).search(/^(-> |---)/m);
      const e = next < 0 ? headerEnd : s + 1 + next;
      return rng.int(2) ? splice(b, s, 0, b.slice(s, e)) : splice(b, s, e - s, new Uint8Array(0));
    }
    case 9:
      // Truncate: anywhere, or at a STREAM chunk boundary (16-byte nonce, 64 KiB + 16 chunks).
      if (rng.int(2) && b.length > headerEnd + 16) {
        const k = rng.int(Math.ceil((b.length - headerEnd - 16) / 65552) + 1);
        return b.subarray(0, Math.min(b.length, headerEnd + 16 + k * 65552 + rng.pick([-1, 0, 1])));
      }
      return b.subarray(0, pos);
    case 10:
      return splice(
        b,
        b.length,
        0,
        utf8(rng.pick(["\n", " ", "x", "\r\n", "AAAA", "-----END AGE ENCRYPTED FILE-----\n"])),
      );
    case 11: {
      // Insert a token at a line start.
      const a = rng.pick(lineStarts(b, headerEnd));
      return splice(b, a, 0, utf8(`${rng.pick(TOKENS)}${rng.int(2) ? "\n" : ""}`));
    }
    case 12: {
      // LF → CRLF everywhere in the first lines (armor tolerates it; headers must not).
      const limit = Math.min(b.length, headerEnd);
      const parts: Uint8Array[] = [];
      let prev = 0;
      for (let i = 0; i < limit; i++) {
        if (b[i] === 0x0a) {
          parts.push(b.subarray(prev, i), utf8("\r\n"));
          prev = i + 1;
        }
      }
      parts.push(b.subarray(prev));
      return new Uint8Array(Buffer.concat(parts));
    }
    default: {
      // Overwrite a run with random bytes.
      const out = b.slice();
      const n = 1 + rng.int(8);
      for (let i = pos; i < Math.min(out.length, pos + n); i++) out[i] = rng.int(256);
      return out;
    }
  }
}

export function mutate(rng: Rng, seed: FuzzSeed): Uint8Array {
  let b = seed.file;
  const headerEnd = isArmored(b.subarray(0, ARMOR_DETECT_BYTES)) ? b.length : seed.header.length;
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) b = mutateOnce(rng, b, headerEnd);
  return b;
}

export type CaseOutcome = "opened" | "format" | "auth";

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Reads `file` as `smem open` would, up to the payload (or through it, with a decryptor).
 * Returns how it ended; throws an Error describing any invariant violation.
 */
export async function runCase(
  file: Uint8Array,
  seed: FuzzSeed,
  identities: Identity[],
): Promise<CaseOutcome> {
  const classify = (e: unknown): "format" | "auth" => {
    if (e instanceof FormatError) return "format";
    if (e instanceof AuthError) return "auth";
    throw e;
  };
  const armored = isArmored(file.subarray(0, ARMOR_DETECT_BYTES));
  // Layer by layer: armor, header, identities + MAC. Any header change must be caught here.
  let outcome: CaseOutcome = "opened";
  try {
    const data = armored ? dearmor(file) : file;
    const h = parseHeader(data, true);
    if (h === null) throw new Error("parseHeader returned null at end of input");
    unwrapFileKey(h, identities).destroy();
    if (!sameBytes(data.subarray(0, h.length), seed.header))
      throw new Error("a modified header was accepted");
  } catch (e) {
    outcome = classify(e);
  }
  // The whole-buffer reader: all or nothing, and the same verdict class as the layers above.
  try {
    using plaintext = openBytes(file, identities);
    if (sha256(plaintext.bytes()) !== seed.plaintextSha256)
      throw new Error("openBytes opened a changed plaintext");
    if (outcome !== "opened")
      throw new Error(`openBytes opened a file the header layer refused (${outcome})`);
  } catch (e) {
    const verdict = classify(e);
    if (outcome !== "opened" && verdict !== outcome) {
      throw new Error(`openBytes says ${verdict} where the header layer says ${outcome}`);
    }
    outcome = verdict;
  }
  // The streaming decryptor: whatever it released, even on failure, must be authentic.
  if (PAYLOAD_DECRYPTOR !== null) {
    const r = await PAYLOAD_DECRYPTOR(file, identities, armored);
    if (!sameBytes(r.plaintext, seed.plaintext.subarray(0, r.plaintext.length))) {
      throw new Error("the decryptor released plaintext that is not a prefix of the original");
    }
    const verdict = r.error === undefined ? "opened" : classify(r.error);
    if (verdict === "opened" && r.plaintext.length !== seed.plaintext.length) {
      throw new Error("the decryptor opened a truncated plaintext");
    }
    if (verdict !== outcome) throw new Error(`the decryptor says ${verdict} where openBytes says ${outcome}`);
  }
  return outcome;
}

/** The streaming armor decoder must agree with the whole-buffer one under random chunking. */
export function checkArmorStreaming(rng: Rng, file: Uint8Array): void {
  const outcome = (f: () => Uint8Array): string => {
    try {
      return `ok:${Buffer.from(f()).toString("hex")}`;
    } catch (e) {
      if (e instanceof FormatError) return "format";
      throw e;
    }
  };
  const whole = outcome(() => dearmor(file));
  const streamed = outcome(() => {
    const d = new ArmorDecoder();
    const parts: Uint8Array[] = [];
    let pos = 0;
    while (pos < file.length) {
      const n = 1 + rng.int(100);
      parts.push(d.push(file.subarray(pos, pos + n)));
      pos += n;
    }
    parts.push(d.end());
    return new Uint8Array(Buffer.concat(parts));
  });
  if (whole !== streamed)
    throw new Error(`streaming armor decoder disagrees: ${streamed.slice(0, 40)} vs ${whole.slice(0, 40)}`);
}

export interface FuzzStats {
  cases: number;
  opened: number;
  format: number;
  auth: number;
  slowestMs: number;
}

/** Runs `cases` mutations starting at case `first` of the stream for `seedValue`. */
export async function fuzzAge(
  corpus: FuzzCorpus,
  seedValue: number,
  cases: number,
  onCase?: (index: number, stats: FuzzStats) => void,
): Promise<FuzzStats> {
  const stats: FuzzStats = { cases: 0, opened: 0, format: 0, auth: 0, slowestMs: 0 };
  for (let i = 0; i < cases; i++) {
    const rng = new Rng((seedValue ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
    const seed = rng.pick(corpus.seeds);
    const input = mutate(rng, seed);
    const started = performance.now();
    let outcome: CaseOutcome;
    try {
      if (isArmored(input.subarray(0, ARMOR_DETECT_BYTES))) checkArmorStreaming(rng, input);
      outcome = await runCase(input, seed, corpus.identities);
    } catch (e) {
      const err = new Error(
        `fuzz case ${i} (seed ${seedValue}, from ${seed.name}): ${(e as Error)?.stack ?? e}`,
      ) as Error & { input?: Uint8Array };
      err.input = input;
      throw err;
    }
    stats.slowestMs = Math.max(stats.slowestMs, performance.now() - started);
    stats.cases++;
    stats[outcome]++;
    onCase?.(i, stats);
  }
  return stats;
}
