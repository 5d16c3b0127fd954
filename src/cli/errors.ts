/** CLI failure classes and the exit codes scripts can rely on (README.md, CLI "Exit codes"). */
import {
  ContractError,
  DeploymentFileError,
  DeploymentMismatchError,
  InvalidAmountError,
  ReadOnlyClientError,
  UnknownMemberError,
} from "@consortia/sdk";

export const ExitCode = {
  /** Done. */
  Ok: 0,
  /** A contract reverted, a transaction failed, or the node could not be reached. */
  Chain: 1,
  /** Bad command line or input: unknown command or member, malformed address, hash or amount. */
  Usage: 2,
  /** Bad configuration: no RPC URL, no key, unreadable keystore, missing deployments file, wrong network. */
  Config: 3,
} as const;

/** Bad input on the command line. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Missing or inconsistent configuration. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** The exit code for an error thrown by a command. */
/** A service the CLI ran (`index`, `serve`) exited with this code: the CLI exits with it (`index verify`: 0/1/2). */
export class ServiceExitError extends Error {
  constructor(
    service: string,
    readonly code: number,
  ) {
    super(`the ${service} exited with code ${code}`);
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof ServiceExitError) return error.code;
  if (error instanceof UsageError || error instanceof InvalidAmountError || error instanceof UnknownMemberError) {
    return ExitCode.Usage;
  }
  if (
    error instanceof ConfigError ||
    error instanceof DeploymentFileError ||
    error instanceof DeploymentMismatchError ||
    error instanceof ReadOnlyClientError
  ) {
    return ExitCode.Config;
  }
  return ExitCode.Chain;
}

/** A one-line description of an error for stderr (the decoded revert for contract errors). */
export function describeError(error: unknown): string {
  if (error instanceof ContractError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
