// smem's public library API (DESIGN section 5). Tests and outside checks import from here.
export {
  AuthError,
  EnvironmentError,
  ExitCode,
  FormatError,
  InterruptedError,
  IoError,
  NotFoundError,
  SmemError,
  UsageError,
} from "./errors";
export { LockedBuffer, liveBufferCount, onPurge, purge } from "./locked-buffer";
export { MLOCK_WARNING, mlockRequired, setMlockWarningHandler, setRequireMlock } from "./mlock-policy";
export { sodiumVersion } from "./platform";
