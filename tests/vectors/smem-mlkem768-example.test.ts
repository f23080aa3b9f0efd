// The worked example of docs/FORMAT.md "smem-mlkem768 stanza": fixed seed, fixed ML-KEM
// randomness, the CCTV file key. The wrap key is recomputed with @noble/hashes' HKDF as an
// independent check of the construction; the ML-KEM parts are covered by Wycheproof.
import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { base64nopad } from "@scure/base";
import { concatBytes, fromHex, LockedBuffer, mlkem768Encapsulate, toHex, utf8 } from "../../core";
import { SmemMlKem768Identity, wrapSmemMlKem768 } from "../../core/age/smem-mlkem768";
import { encodeIdentity, encodeRecipient } from "../../core/keys/strings";

const hex = (b: Uint8Array) => toHex(b);
const sha = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");

test("docs/FORMAT.md smem-mlkem768 worked example", () => {
  const seed = new Uint8Array(64).map((_, i) => i);
  const m = new Uint8Array(32).map((_, i) => 0x40 + i);
  using id = SmemMlKem768Identity.fromSeed(seed);
  using identity = encodeIdentity("mlkem768", id.seed());
  expect(new TextDecoder().decode(identity.bytes())).toBe(
    "SMEM-SECRET-KEY-MLKEM-1QQQSYQCYQ5RQWZQFPG9SCRGWPUGPZYSNZS23V9CCRYDPK8QARC0JQGFZYVJZ2F389Q5J52EV95HZ7VP3XGENGDFKXUURJW3M8S7NU0CVQRPD2",
  );
  const recipient = encodeRecipient("mlkem768", id.publicKey);
  expect(recipient.length).toBe(1912);
  expect(recipient.startsWith("smem1mlkem19x92zr2z8jxa5p5aq279nekd7qaqj")).toBe(true);
  expect(sha(recipient)).toBe("f6f3052f6d56f27f73bcff6ed4bbe8567b6e368eebde44f19417b2be047c2ee5");
  expect(sha(id.publicKey)).toBe("0b7934c83125c788995e2ba6bd761e33046b3e40571be53e023309a29f398cc9");

  using fileKey = LockedBuffer.fromBytes(fromHex("59454c4c4f57205355424d4152494e45"));
  const stanza = wrapSmemMlKem768(id.publicKey, fileKey, m);
  expect(stanza.type).toBe("smem-mlkem768");
  const ct = base64nopad.decode(stanza.args[0] as string);
  expect(ct.length).toBe(1088);
  expect(sha(ct)).toBe("dbf4e9aa48b078ad46ec1c9c47bda8c2d2fec9d0e7a21bd48d2238a2abedb856");

  const { sharedSecret } = mlkem768Encapsulate(id.publicKey, m);
  using ss = sharedSecret;
  expect(hex(ss.bytes())).toBe("9cddd089ffe70e3996e76f7c8d06746df34d07e8657bc0fcf2bb0e1c3084aea1");
  const wrapKey = hkdf(sha256, ss.bytes(), concatBytes(ct, id.publicKey), utf8("smem/v1/mlkem768"), 32);
  expect(hex(wrapKey)).toBe("4ca49b3f72c768759e1b7ce423dccefed818aad6a713c1e63c2054c40e067b39");
  expect(base64nopad.encode(stanza.body)).toBe("43FZfthGoXxO0OxSPGCeGruSN5bMRkbueYYjxFAVTnc");

  using back = id.unwrap([stanza]) as LockedBuffer;
  expect(back.equals(fileKey)).toBe(true);
});
