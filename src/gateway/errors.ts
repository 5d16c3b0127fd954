/** Why the gateway refused a request; each code has one HTTP status. */
export const GatewayErrorCodes = {
  BAD_REQUEST: 400,
  STALE_REQUEST: 401,
  BAD_SIGNATURE: 401,
  UNKNOWN_SIGNER: 401,
  NOT_GRANTEE: 403,
  CONSUMER_NOT_AUTHORISED: 403,
  UNKNOWN_GRANT: 403,
  WRONG_DATASET: 403,
  PURPOSE_MISMATCH: 403,
  GRANT_NOT_ACTIVE: 403,
  GRANT_EXPIRED: 403,
  GRANT_REVOKED: 403,
  ANCESTOR_EXPIRED: 403,
  ANCESTOR_REVOKED: 403,
  DATASET_RETIRED: 403,
  CHAIN_REFUSED: 403,
  OUT_OF_SCOPE: 403,
  NO_ENCRYPTION_KEY: 403,
  NOT_RECORD_READER: 403,
  NOT_FOUND: 404,
  UNKNOWN_ACCESS: 404,
  UNKNOWN_DATASET: 404,
  UNKNOWN_VERSION: 404,
  VERSION_NOT_AVAILABLE: 404,
  REPLAYED_NONCE: 409,
  CHAIN_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
} as const;

export type GatewayErrorCode = keyof typeof GatewayErrorCodes;

/** A refusal the gateway answers with `{ error: { code, message, details } }` and nothing else. */
export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: GatewayErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "GatewayError";
    this.code = code;
    this.status = GatewayErrorCodes[code];
    this.details = details;
  }

  toJSON(): {
    error: {
      code: GatewayErrorCode;
      message: string;
      details: Record<string, unknown>;
    };
  } {
    return {
      error: { code: this.code, message: this.message, details: this.details },
    };
  }
}

/** The body of a refusal, as a client reads it. */
export interface GatewayErrorBody {
  error: {
    code: GatewayErrorCode;
    message: string;
    details: Record<string, unknown>;
  };
}

/**
 * A gateway that must not start: its environment, its manifest, a file it should serve, or the operator key's standing
 * is wrong. `src/gateway/main.ts` prints the message as one `error:` line and exits 2.
 */
export class GatewayConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "GatewayConfigError";
  }
}
