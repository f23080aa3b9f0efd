// smem edit FILE: the terminal editor for encrypted text (sedit v1/v2/v3). Parsing, the
// passphrase source and exit codes live here; the file handling is core/editor/edit-file.ts, the
// editor core/editor/editor.ts, the terminal layer core/editor/terminal.ts.
import { openEditFile, saveEditFile } from "../core/editor/edit-file";
import { Editor } from "../core/editor/editor";
import { EDITOR_MODES, type EditorMode } from "../core/editor/keymap";
import { runEditor } from "../core/editor/run";
import { Terminal } from "../core/editor/terminal";
import { UsageError } from "../core/errors";
import { DEFAULT_KDF } from "../core/kdf";
import { hardenProcess } from "../core/process-guard";
import { promptPassphrase, readPassphraseFd } from "../core/secret-input";
import { SEDIT_KDF_LIMITS } from "../core/sedit/format";
import { defineSmemCommand, globalArgs, notice, parseIntegerFlag, runCommand } from "./common";

export default defineSmemCommand(
  {
    meta: {
      name: "edit",
      description:
        "Edit an encrypted text file (sedit v1/v2/v3; saves v3) with the text kept in locked memory",
    },
    args: {
      file: { type: "positional", required: true, valueHint: "FILE", description: "File to edit or create" },
      "key-stdin": {
        type: "boolean",
        description: "Read the passphrase from the first line of stdin (the editor then uses /dev/tty)",
      },
      plaintext: { type: "boolean", description: "Edit or create the file without encryption" },
      mode: {
        type: "string",
        valueHint: "normal|nano|emacs|mcedit",
        description: "Key bindings (default normal: Ctrl-S save, Ctrl-Q/Esc quit, Ctrl-H help)",
      },
      "kdf-memory": {
        type: "string",
        valueHint: "KIB",
        description: "New files: Argon2id memory in KiB (65536)",
      },
      "kdf-iterations": { type: "string", valueHint: "N", description: "New files: Argon2id passes (3)" },
      "kdf-rounds": { type: "string", valueHint: "N", description: "New files: SHA3-256 rounds (1000)" },
      ...globalArgs,
    },
    run: runCommand(async ({ args }) => {
      const mode = args.mode ?? "normal";
      if (!(EDITOR_MODES as readonly string[]).includes(mode)) {
        throw new UsageError(`--mode must be one of ${EDITOR_MODES.join(", ")}, got '${mode}'`);
      }
      hardenProcess();

      const L = SEDIT_KDF_LIMITS;
      const kdf = {
        memoryKiB:
          parseIntegerFlag("--kdf-memory", args["kdf-memory"], {
            min: L.minMemoryKiB,
            max: L.maxMemoryKiB,
          }) ?? DEFAULT_KDF.memoryKiB,
        iterations:
          parseIntegerFlag("--kdf-iterations", args["kdf-iterations"], {
            min: L.minIterations,
            max: L.maxIterations,
          }) ?? DEFAULT_KDF.iterations,
        rounds:
          parseIntegerFlag("--kdf-rounds", args["kdf-rounds"], { min: 0, max: L.maxRounds }) ??
          DEFAULT_KDF.rounds,
      };

      const path = args.file;
      const target = await openEditFile(path, {
        plaintext: args.plaintext === true,
        kdf,
        passphrase: (isNew) => {
          // The file has been read and its header checked; a missing terminal fails now, before
          // the passphrase is read and the slow KDF runs.
          Terminal.require();
          if (args["key-stdin"]) return Promise.resolve(readPassphraseFd(0));
          return isNew
            ? promptPassphrase(`New passphrase for ${path}: `, { confirm: "Repeat the passphrase: " })
            : promptPassphrase(`Passphrase for ${path}: `);
        },
        onDerive: () => notice("deriving the key…"),
      });
      const editor = (() => {
        try {
          return new Editor(target.text.bytes(), {
            fileName: path,
            mode: mode as EditorMode,
            encrypted: target.key !== null,
            save: (contents) => saveEditFile(target, contents),
            notice: target.notice ?? undefined,
          });
        } finally {
          target.text.destroy(); // the editor holds its own locked copy
        }
      })();
      try {
        const term = Terminal.open();
        try {
          await runEditor(editor, term);
        } finally {
          term.restore();
        }
      } finally {
        editor.destroy();
      }
      // Bun's tty.ReadStream keeps the event loop alive even after destroy(), so leave explicitly
      // (the exit handlers of hardenProcess still run).
      process.exit(0);
    }),
  },
  [
    "smem edit notes.sedit                      # open, or create with a passphrase asked twice",
    "smem edit --mode nano notes.sedit          # nano keys: ^O save, ^X quit, ^G help",
    "pass show x | smem edit --key-stdin f.sedit # passphrase from the first line of stdin",
    "smem edit --plaintext todo.txt             # no encryption",
  ],
);
