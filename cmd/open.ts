// `smem open`: decrypt an age v1 file (binary or armored) from INPUT or stdin. Asks for a
// passphrase only when the header has a passphrase stanza; -i FILE for public-key files.
// Plaintext leaves chunk by chunk only after it authenticated; with -o the file appears only
// once everything did (DESIGN 3.5).
import { decrypt } from "../core/age/decrypt";
import type { ParsedHeader } from "../core/age/header";
import { needsPassphrase, passphraseIdentities } from "../core/age/passphrase";
import type { Identity } from "../core/age/recipient";
import { UsageError } from "../core/errors";
import type { LockedBuffer } from "../core/locked-buffer";
import { hardenProcess } from "../core/process-guard";
import { resolvePassphrase } from "../core/secret-input";
import {
  defineSmemCommand,
  globalArgs,
  outputArg,
  parseIntegerFlag,
  passphraseArgs,
  runCommand,
} from "./common";
import { loadIdentities } from "./identities";
import { repeated } from "./recipients";
import { openInput, openOutput, progress } from "./stream-io";

const openArgs = {
  input: {
    type: "positional",
    required: false,
    valueHint: "INPUT",
    description: "File to decrypt (default stdin)",
  },
  ...outputArg,
  identity: {
    type: "string",
    alias: "i",
    valueHint: "FILE",
    description: "Identity file for public-key recipients (repeatable)",
  },
  ...passphraseArgs,
  ...globalArgs,
} as const;

interface OpenArgs {
  "passphrase-file"?: string;
  "passphrase-fd"?: string;
}

/** Owns whatever secrets the chosen identities borrow, until the file is decrypted. */
class IdentityChoice implements Disposable {
  #passphrases: LockedBuffer[] = [];
  #identities: Identity[] = [];

  constructor(
    readonly args: OpenArgs,
    readonly identityFiles: readonly string[],
  ) {}

  /**
   * The identities for this header: passphrase identities (asking for it now) when it has a
   * passphrase stanza, else those of the -i files. Other identity kinds plug in here.
   */
  async choose(header: ParsedHeader): Promise<Identity[]> {
    const passphraseFd = parseIntegerFlag("--passphrase-fd", this.args["passphrase-fd"], {
      min: 0,
      max: 65535,
    });
    if (needsPassphrase(header.stanzas)) {
      const passphrase = await resolvePassphrase({
        file: this.args["passphrase-file"],
        fd: passphraseFd,
        prompt: "Passphrase: ",
      });
      this.#passphrases.push(passphrase);
      this.#identities.push(...passphraseIdentities(passphrase));
      return this.#identities;
    }
    if (this.identityFiles.length === 0) {
      throw new UsageError("this file is encrypted to public keys: give an identity file with -i FILE");
    }
    const loaded = await loadIdentities(this.identityFiles, {
      passphraseFile: this.args["passphrase-file"],
      passphraseFd,
    });
    this.#identities.push(...loaded);
    return this.#identities;
  }

  [Symbol.dispose](): void {
    for (const id of this.#identities) (id as Partial<Disposable>)[Symbol.dispose]?.();
    for (const p of this.#passphrases) p.destroy();
  }
}

export default defineSmemCommand(
  {
    meta: {
      name: "open",
      description: "Decrypt an age file (binary or armored) from INPUT or stdin",
    },
    args: openArgs,
    run: runCommand(async ({ args, rawArgs }) => {
      hardenProcess();
      const input = openInput(args.input);
      let output: ReturnType<typeof openOutput> | null = null;
      using identities = new IdentityChoice(args, repeated(rawArgs, "identity", "i"));
      const meter = progress("opened", input.size);
      try {
        output = openOutput(args.output, { binary: false, hint: "" });
        await decrypt(input.source, output.sink, (h) => identities.choose(h), { onProgress: meter.update });
        output.finish();
      } catch (err) {
        output?.abort();
        throw err;
      } finally {
        meter.done();
        input.close();
      }
    }),
  },
  [
    "smem open docs.tar.age | tar x",
    "smem open -o notes.txt notes.txt.age",
    "smem open -i backup-key.age backup.age > backup.tar",
  ],
);
