/**
 * "Not found" the same way everywhere: showing an id nothing has is a usage error (exit 2) with one line
 * `no <thing> <id>`, whether the contract reverts with its unknown-id error or returns an empty record.
 */
import { UsageError } from "./errors.js";

export class NotFoundError extends UsageError {
  override name = "NotFoundError";
  constructor(thing: string, id: bigint | string) {
    super(`no ${thing} ${id}`);
  }
}

/** The custom errors view functions revert with for an id that does not exist (LetterOfCreditUnknown, ...). */
const UNKNOWN_ID_ERROR = /Unknown$|^Unknown|Nonexistent/;

function isUnknownId(error: unknown): boolean {
  const name = (error as { revert?: { name?: string } } | undefined)?.revert?.name;
  return name !== undefined && UNKNOWN_ID_ERROR.test(name);
}

/**
 * Reads `thing` `id` with `read`: NotFoundError when the contract reverts with an unknown-id error, or when the record
 * it returns fails `exists` (contracts that answer an empty record for an unknown id).
 */
export async function readFound<T>(
  thing: string,
  id: bigint,
  read: () => Promise<T>,
  exists: (record: T) => boolean = () => true,
): Promise<T> {
  let record: T;
  try {
    record = await read();
  } catch (error) {
    if (isUnknownId(error)) throw new NotFoundError(thing, id);
    throw error;
  }
  if (!exists(record)) throw new NotFoundError(thing, id);
  return record;
}
