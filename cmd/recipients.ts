// -r RECIPIENT and -R FILE for `smem seal`: age's recipient strings and recipients files, with
// age's rule that post-quantum and classical recipients do not share a file unless the user
// says so (--allow-classical).
import { checkRecipientMix, parseRecipientString, parseRecipientsFile } from "../core/age/keys";
import type { Recipient } from "../core/age/recipient";
import { IoError, NotFoundError } from "../core/errors";
import { nodeFs } from "../core/file-io";

export const recipientArgs = {
  recipient: {
    type: "string",
    alias: "r",
    valueHint: "RECIPIENT",
    description:
      "Encrypt to a public key: age1pq1… (post-quantum), age1… (X25519), smem1mlkem1… (repeatable)",
  },
  "recipients-file": {
    type: "string",
    alias: "R",
    valueHint: "FILE",
    description: "Encrypt to every public key in FILE (one per line, # comments; repeatable)",
  },
  "allow-classical": {
    type: "boolean",
    description: "Allow post-quantum and X25519 recipients in one file (it is then only as strong as X25519)",
  },
} as const;

/** Every occurrence of a repeatable string flag, in command-line order. */
export function repeated(rawArgs: readonly string[], long: string, short: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string;
    if (arg === "--") break;
    if (arg === `--${long}` || arg === `-${short}`) {
      const value = rawArgs[i + 1];
      if (value !== undefined) values.push(value);
      i++;
    } else if (arg.startsWith(`--${long}=`)) {
      values.push(arg.slice(long.length + 3));
    }
  }
  return values;
}

function readRecipientsFile(path: string): string {
  try {
    return nodeFs().readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NotFoundError(`recipients file ${path} does not exist`);
    throw new IoError(`cannot read recipients file ${path}: ${code ?? String(err)}`);
  }
}

/** The recipients named by -r and -R (empty when neither was given). */
export function resolveRecipients(rawArgs: readonly string[], allowClassical: boolean): Recipient[] {
  const recipients: Recipient[] = [];
  for (const text of repeated(rawArgs, "recipient", "r")) recipients.push(parseRecipientString(text));
  for (const path of repeated(rawArgs, "recipients-file", "R")) {
    recipients.push(...parseRecipientsFile(readRecipientsFile(path), path === "-" ? "stdin" : path));
  }
  return recipients.length === 0 ? recipients : checkRecipientMix(recipients, allowClassical);
}
