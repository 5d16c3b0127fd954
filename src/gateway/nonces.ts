/**
 * Remembers the nonces seen within the clock-skew window. A nonce older than the window needs no memory: its
 * timestamp alone gets the request rejected. Memory is therefore bounded by the request rate times the window.
 */
export class NonceCache {
  readonly #seen = new Map<string, number>();
  readonly #ttlMs: number;
  #lastSweep = 0;

  constructor(windowSeconds: number) {
    // A request is accepted for `window` seconds either side of its timestamp: keep nonces for twice that.
    this.#ttlMs = 2 * windowSeconds * 1000;
  }

  /** Records the nonce of `account`; false if it was already used within the window. */
  use(account: string, nonce: string, nowMs = Date.now()): boolean {
    this.#sweep(nowMs);
    const key = `${account.toLowerCase()}:${nonce.toLowerCase()}`;
    const expiry = this.#seen.get(key);
    if (expiry !== undefined && expiry > nowMs) return false;
    this.#seen.set(key, nowMs + this.#ttlMs);
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }

  #sweep(nowMs: number): void {
    if (nowMs - this.#lastSweep < 1000) return;
    this.#lastSweep = nowMs;
    for (const [key, expiry] of this.#seen) if (expiry <= nowMs) this.#seen.delete(key);
  }
}
