/** Hash of everything that shapes the shim binary; `extra` distinguishes targets and options. */
export function shimInputsHash(zigVersion: string, extra?: string): string;
