// `smem stream seal|open`: the raw stream format (DESIGN 7.4, docs/FORMAT.md) under a 32-byte key
// the user already holds — from `smem kdf -o KEY` or `smem kem decaps --secret-out KEY`.
import { closeSync, openSync } from "node:fs";
import { IoError, NotFoundError, UsageError } from "../core/errors";
import type { LockedBuffer } from "../core/locked-buffer";
import { hardenProcess } from "../core/process-guard";
import { readSecretFromFd } from "../core/secret-input";
import { openRawStream, parseStreamKey, sealRawStream } from "../core/stream";
import { defineSmemCommand, globalArgs, outputArg, parseIntegerFlag, runCommand } from "./common";
import { openInput, openOutput, progress } from "./stream-io";

// Raw (32) or hex with a line ending (66): anything longer is not a key file.
const MAX_KEY_FILE_BYTES = 1024;

const keyArgs = {
  "key-file": {
    type: "string",
    valueHint: "FILE",
    description: "The 32-byte key: raw (smem kdf -o) or 64 hex digits (smem kdf)",
  },
  "key-fd": {
    type: "string",
    valueHint: "N",
    description: "Read the key from open file descriptor N (raw or hex)",
  },
} as const;

const streamArgs = {
  input: {
    type: "positional",
    required: false,
    valueHint: "INPUT",
    description: "Input file (default stdin)",
  },
  ...keyArgs,
  ...outputArg,
  ...globalArgs,
} as const;

function readKeyFile(path: string): LockedBuffer {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NotFoundError(`key file ${path} does not exist`);
    throw new IoError(`cannot open key file ${path}: ${code ?? String(err)}`);
  }
  try {
    using material = readSecretFromFd(fd, { maxBytes: MAX_KEY_FILE_BYTES });
    return parseStreamKey(material, `key file ${path}`);
  } finally {
    closeSync(fd);
  }
}

/** --key-file or --key-fd, exactly one. */
export function resolveStreamKey(args: { "key-file"?: string; "key-fd"?: string }): LockedBuffer {
  const file = args["key-file"];
  const fd = parseIntegerFlag("--key-fd", args["key-fd"], { min: 0, max: 65535 });
  if (file !== undefined && fd !== undefined) throw new UsageError("use only one of --key-file and --key-fd");
  if (file !== undefined) return readKeyFile(file);
  if (fd !== undefined) {
    using material = readSecretFromFd(fd, { maxBytes: MAX_KEY_FILE_BYTES });
    return parseStreamKey(material, `the key on fd ${fd}`);
  }
  throw new UsageError("say where the key is: --key-file FILE or --key-fd N");
}

type Direction = "seal" | "open";

function streamCommand(direction: Direction) {
  const seal = direction === "seal";
  return defineSmemCommand(
    {
      meta: {
        name: direction,
        description: seal
          ? "Encrypt INPUT (or stdin) under a 32-byte key into the raw smem stream format"
          : "Decrypt a raw smem stream; with -o the file appears only if everything authenticated",
      },
      args: streamArgs,
      run: runCommand(async ({ args }) => {
        hardenProcess();
        using key = resolveStreamKey(args);
        const input = openInput(args.input);
        const output = openOutput(args.output, { binary: seal, hint: "use -o FILE or a pipe" });
        const meter = progress(seal ? "sealed" : "opened", input.size);
        try {
          const run = seal ? sealRawStream : openRawStream;
          await run(key, input.source, output.sink, { onProgress: meter.update });
          output.finish();
        } catch (err) {
          output.abort();
          throw err;
        } finally {
          meter.done();
          input.close();
        }
      }),
    },
    seal
      ? [
          "smem kdf --salt 00112233445566778899aabbccddeeff -o stream.key",
          "tar c docs | smem stream seal --key-file stream.key > docs.tar.smst",
        ]
      : ["smem stream open --key-file stream.key -o docs.tar docs.tar.smst"],
  );
}

export default defineSmemCommand(
  {
    meta: {
      name: "stream",
      description: "Raw chunked encryption under a 32-byte key you already hold (smem kdf, kem decaps)",
    },
    args: { ...globalArgs },
    subCommands: {
      seal: () => Promise.resolve(streamCommand("seal")),
      open: () => Promise.resolve(streamCommand("open")),
    },
  },
  [
    "smem kdf -o stream.key",
    "tar c docs | smem stream seal --key-file stream.key > docs.tar.smst",
    "smem stream open --key-file stream.key docs.tar.smst | tar x",
  ],
);
