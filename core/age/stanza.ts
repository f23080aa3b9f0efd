// A recipient stanza of an age v1 header (C2SP age spec, "Recipient stanza"):
//   -> type arg1 arg2 ...
//   base64 body, wrapped at 64 columns, ending with a line shorter than 64 columns
// `type` is the first argument on the line; `args` are the ones after it (as age's Go API).
// Everything in a stanza is public: bodies hold wrapped (encrypted) file keys only.

export interface Stanza {
  type: string;
  args: string[];
  body: Uint8Array;
}

const ARGUMENT = /^[\x21-\x7e]+$/;

/** An argument is 1*VCHAR: printable ASCII 0x21..0x7E, no spaces. (A regular expression: the
 * engine's compiled matcher, where a loop runs interpreted in a short-lived process.) */
export function isValidArgument(arg: string): boolean {
  return ARGUMENT.test(arg);
}
