import type { Logger } from "pino";

/** Shows backfill progress: a redrawn line on a terminal, a structured log line every few seconds otherwise. */
export class BackfillProgress {
  private readonly startedAt = Date.now();
  private lastDraw = 0;
  private samples: { at: number; events: number; block: number }[] = [];
  private events = 0;

  constructor(
    private readonly startBlock: number,
    private readonly mode: "tty" | "log",
    private readonly logger: Logger,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Events per second over the last ten seconds. */
  get rate(): number {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (first === undefined || last === undefined || last.at === first.at) return 0;
    return ((last.events - first.events) * 1000) / (last.at - first.at);
  }

  update(block: number, target: number, newEvents: number): void {
    this.events += newEvents;
    const now = Date.now();
    this.samples.push({ at: now, events: this.events, block });
    while (this.samples.length > 2 && this.samples[0].at < now - 10_000) this.samples.shift();
    const done = target <= block;
    if (!done && now - this.lastDraw < (this.mode === "tty" ? 200 : 5_000)) return;
    this.lastDraw = now;
    const first = this.samples[0];
    const blocksPerMs = first !== undefined && now > first.at ? (block - first.block) / (now - first.at) : 0;
    const etaSeconds = blocksPerMs > 0 ? Math.round((target - block) / blocksPerMs / 1000) : undefined;
    const total = Math.max(1, target - this.startBlock);
    const percent = Math.min(100, ((block - this.startBlock) / total) * 100);
    if (this.mode === "tty") {
      const eta = etaSeconds === undefined ? "?" : `${etaSeconds}s`;
      this.stream.write(
        `\r\x1b[2Kbackfill ${percent.toFixed(1)}%  block ${block}/${target}  ${this.events} events  ${Math.round(this.rate)} ev/s  ETA ${eta}${done ? "\n" : ""}`,
      );
    } else {
      this.logger.info(
        {
          block,
          target,
          percent: Number(percent.toFixed(1)),
          events: this.events,
          eventsPerSecond: Math.round(this.rate),
          etaSeconds,
          elapsedMs: now - this.startedAt,
        },
        done ? "backfill done" : "backfill progress",
      );
    }
  }
}
