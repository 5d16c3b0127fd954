import { expect } from "chai";

/** What `promise` was rejected with (fails the test when it was fulfilled). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail("expected a rejection"),
    (error: Error) => error,
  );
}
