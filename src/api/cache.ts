/**
 * Values read from the index, kept between requests in a process whose own indexer is the index's only writer (PGlite;
 * PostgreSQL while this process holds the writer lock). The indexer writes only in transactions, and
 * `observeTransactions` (src/indexer/db.ts) calls `beginWrite` before each and `endWrite` after it committed or failed:
 * from the first to the second every read goes to the database (and sees the commit the moment it is visible), the
 * cache is emptied at both ends, and a read that started before a write began or ended is not kept. So nothing is
 * answered from the cache that is older than what the index knows. While `enabled()` is false (a standby: another
 * process writes; a writer that lost its lock stops caching when it stops writing) every read goes to the database and
 * nothing is kept. Beyond `max` keys the whole cache is dropped (a flood of keys costs reads, not memory).
 */
export class IndexCache<K, V> {
  private readonly entries = new Map<K, V>();
  private writes = 0;
  private epoch = 0;

  constructor(
    private readonly enabled: () => boolean = () => true,
    private readonly max = 10_000,
  ) {}

  /** A write transaction starts: nothing is served from or kept in the cache until `endWrite`. */
  beginWrite(): void {
    this.writes++;
    this.epoch++;
    this.entries.clear();
  }

  /** A write transaction ended (committed or rolled back). */
  endWrite(): void {
    this.writes--;
    this.epoch++;
    this.entries.clear();
  }

  /** Keys kept now. */
  get size(): number {
    return this.entries.size;
  }

  /** Whether values may be served from the cache now (no write in progress, enabled); empties it when disabled. */
  private usable(): boolean {
    if (this.writes > 0) return false;
    if (!this.enabled()) {
      this.entries.clear();
      return false;
    }
    return true;
  }

  private keep(epoch: number, values: Iterable<[K, V]>): void {
    if (epoch !== this.epoch || this.writes > 0 || !this.enabled()) return;
    for (const [key, value] of values) {
      if (this.entries.size >= this.max) this.entries.clear();
      this.entries.set(key, value);
    }
  }

  /** The value of `key`: kept, or loaded (and kept). */
  async get(key: K, load: () => Promise<V>): Promise<V> {
    if (!this.usable()) return load();
    const kept = this.entries.get(key);
    if (kept !== undefined || this.entries.has(key)) return kept as V;
    const epoch = this.epoch;
    const value = await load();
    this.keep(epoch, [[key, value]]);
    return value;
  }

  /**
   * The values of `keys`: kept ones, the others loaded at once (`load` answers those it found; a key it leaves out is
   * not kept, and missing from the answer).
   */
  async getMany(keys: readonly K[], load: (missing: K[]) => Promise<Map<K, V>>): Promise<Map<K, V>> {
    if (!this.usable()) return load([...keys]);
    const found = new Map<K, V>();
    const missing: K[] = [];
    for (const key of keys) {
      if (this.entries.has(key)) found.set(key, this.entries.get(key) as V);
      else missing.push(key);
    }
    if (missing.length === 0) return found;
    const epoch = this.epoch;
    const loaded = await load(missing);
    this.keep(epoch, loaded);
    for (const [key, value] of loaded) found.set(key, value);
    return found;
  }
}
