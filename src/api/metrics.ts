/** A few Prometheus metrics in the text exposition format (no dependency needed for gauges and one histogram). */
export class Histogram {
  private readonly counts = new Map<string, { buckets: number[]; sum: number; count: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[],
  ) {}

  observe(labels: Record<string, string>, value: number): void {
    const key = labelString(labels);
    let entry = this.counts.get(key);
    if (entry === undefined) this.counts.set(key, (entry = { buckets: this.bounds.map(() => 0), sum: 0, count: 0 }));
    this.bounds.forEach((bound, i) => {
      if (value <= bound) entry.buckets[i]++;
    });
    entry.sum += value;
    entry.count++;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, entry] of this.counts) {
      const sep = key === "" ? "" : ",";
      this.bounds.forEach((bound, i) =>
        lines.push(`${this.name}_bucket{${key}${sep}le="${bound}"} ${entry.buckets[i]}`),
      );
      lines.push(`${this.name}_bucket{${key}${sep}le="+Inf"} ${entry.count}`);
      lines.push(`${this.name}_sum${key === "" ? "" : `{${key}}`} ${entry.sum}`);
      lines.push(`${this.name}_count${key === "" ? "" : `{${key}}`} ${entry.count}`);
    }
    return lines.join("\n");
  }
}

function labelString(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`)
    .join(",");
}

export function gauge(name: string, help: string, value: number, type: "gauge" | "counter" = "gauge"): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${Number.isFinite(value) ? value : 0}`;
}
