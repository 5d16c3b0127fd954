/**
 * A pid lock file: one running instance per data directory. The file holds the owner's pid; a lock whose process is
 * gone (killed, machine rebooted) is stale and taken over. Created with O_EXCL, so two starts racing for it cannot
 * both win.
 */
import { readFileSync, unlinkSync } from "node:fs";
import { mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

export type PidLock =
  { acquired: true; path: string; release: () => Promise<void> } | { acquired: false; path: string; holder: number };

/** Takes the lock at `path` for this process, or reports the live process that holds it. */
export async function acquirePidLock(path: string): Promise<PidLock> {
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: "wx" });
      const release = (): void => {
        if (ownsLock(path)) unlinkSync(path);
      };
      // However the process ends short of SIGKILL, the lock goes with it (a SIGKILLed holder leaves a stale lock).
      process.once("exit", release);
      return { acquired: true, path, release: async () => release() };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
      return { acquired: false, path, holder };
    }
    // Stale (its process is gone) or unreadable: take it over.
    await unlink(path).catch(() => {});
  }
  throw new Error(`could not take the lock ${path}`);
}

function ownsLock(path: string): boolean {
  try {
    return Number.parseInt(readFileSync(path, "utf8"), 10) === process.pid;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
