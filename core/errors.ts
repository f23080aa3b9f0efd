// Every failure smem reports maps to one exit code (DESIGN section 3). cmd/ prints `message`
// as one line and exits with `exitCode`; nothing here prints.

export const ExitCode = {
  ok: 0,
  usage: 1,
  malformed: 2,
  auth: 3,
  io: 4,
  environment: 5,
  notFound: 6,
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class SmemError extends Error {
  override name = "SmemError";
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
  ) {
    super(message);
  }
}

/** Bad flags or a missing argument. */
export class UsageError extends SmemError {
  override name = "UsageError";
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/** Input that is not a recognised format: bad header, armor, key string. */
export class FormatError extends SmemError {
  override name = "FormatError";
  constructor(message: string) {
    super(message, ExitCode.malformed);
  }
}

/** Wrong passphrase or key, tampered, truncated or trailing data. */
export class AuthError extends SmemError {
  override name = "AuthError";
  constructor(message: string) {
    super(message, ExitCode.auth);
  }
}

/** Cannot read or write. */
export class IoError extends SmemError {
  override name = "IoError";
  constructor(message: string) {
    super(message, ExitCode.io);
  }
}

/** The platform cannot give what was asked: shim missing, strict mlock failed, no terminal. */
export class EnvironmentError extends SmemError {
  override name = "EnvironmentError";
  constructor(message: string) {
    super(message, ExitCode.environment);
  }
}

export class NotFoundError extends SmemError {
  override name = "NotFoundError";
  constructor(message: string) {
    super(message, ExitCode.notFound);
  }
}

export class InterruptedError extends SmemError {
  override name = "InterruptedError";
  constructor(message = "interrupted") {
    super(message, ExitCode.interrupted);
  }
}
