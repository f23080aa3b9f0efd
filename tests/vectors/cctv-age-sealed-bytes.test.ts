// The CCTV age suite through core/age/sealed-bytes.ts, smem's whole-buffer age reader (used for
// passphrase-encrypted identity files). It releases nothing unless the whole file authenticates,
// so payload failures must give AuthError and no plaintext; it refuses payloads over its 16 MiB
// cap, which three large success vectors exceed (they must fail cleanly with AuthError).

import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHash } from "node:crypto";
import { AuthError, FormatError, type Identity, LockedBuffer, ScryptIdentity, utf8 } from "../../core";
import { openBytes } from "../../core/age/sealed-bytes";
import { expectedExit, loadVectors } from "../helpers/cctv-age";
import { IDENTITY_FACTORIES } from "../helpers/cctv-age-identities";

setDefaultTimeout(60_000);

const OVER_CAP = new Set(["stream_257_chunks", "stream_257_chunks_full", "stream_258_chunks"]);

describe("CCTV age vectors through openBytes", () => {
  for (const v of loadVectors()) {
    test(v.name, () => {
      const passphrases = v.passphrases.map((p) => LockedBuffer.fromBytes(utf8(p)));
      const identities: Identity[] = [];
      for (const s of v.identities) {
        const factory = IDENTITY_FACTORIES.find((f) => s.startsWith(f.prefix));
        if (!factory) throw new Error(`no identity factory for ${s.slice(0, 20)}`);
        identities.push(factory.make(s));
      }
      for (const p of passphrases) identities.push(new ScryptIdentity(p));
      let exit = 0;
      let hash = "";
      try {
        using plaintext = openBytes(v.file, identities);
        hash = createHash("sha256").update(plaintext.bytes()).digest("hex");
      } catch (e) {
        if (e instanceof FormatError) exit = 2;
        else if (e instanceof AuthError) exit = 3;
        else throw e;
      } finally {
        for (const p of passphrases) p.destroy();
        for (const id of identities) (id as Partial<Disposable>)[Symbol.dispose]?.();
      }
      const want = OVER_CAP.has(v.name) ? 3 : expectedExit(v.expect);
      expect({ name: v.name, exit }).toEqual({ name: v.name, exit: want });
      if (want === 0) expect(hash).toBe(v.payload as string);
    });
  }
});
