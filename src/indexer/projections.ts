import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Migration, Projection, TableSpec } from "./projection.js";

/** Files in src/indexer/projections/ whose default export is a Projection; `_`-prefixed files are skipped. */
export async function loadProjections(directory = new URL("./projections/", import.meta.url)): Promise<Projection[]> {
  const files = (await readdir(fileURLToPath(directory)))
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts") && !f.startsWith("_"))
    .sort();
  const projections: Projection[] = [];
  for (const file of files) {
    const module = (await import(new URL(file, directory).href)) as { default?: Projection };
    if (module.default === undefined) throw new Error(`projection file ${file} has no default export`);
    projections.push(module.default);
  }
  return checkProjections(projections);
}

/** Rejects duplicate projection names, tables, migration ids and contract claims. */
export function checkProjections(projections: Projection[]): Projection[] {
  const seen = {
    names: new Set<string>(),
    tables: new Set<string>(),
    migrations: new Set<string>(),
    contracts: new Set<string>(),
    everyContract: new Set<string>(),
  };
  const once = (set: Set<string>, value: string, what: string) => {
    if (set.has(value)) throw new Error(`duplicate ${what} "${value}" among projections`);
    set.add(value);
  };
  for (const p of projections) {
    once(seen.names, p.name, "projection");
    for (const t of p.tables) once(seen.tables, t.name, "table");
    for (const m of p.migrations) once(seen.migrations, m.id, "migration id");
    for (const c of Object.keys(p.contracts)) once(seen.contracts, c, "contract");
    for (const e of Object.keys(p.everyContract ?? {})) once(seen.everyContract, e, "every-contract handler");
    for (const c of Object.keys(p.handlers)) {
      if (!(c in p.contracts)) throw new Error(`projection ${p.name} handles ${c} but does not list its ABI`);
    }
  }
  return projections;
}

export function allTables(projections: readonly Projection[]): TableSpec[] {
  return projections.flatMap((p) => p.tables);
}

export function allMigrations(projections: readonly Projection[]): Migration[] {
  return projections.flatMap((p) => p.migrations);
}
