/**
 * One shutdown per process, for everything the operator runs (`npm start`, the indexer, the API, the gateway,
 * `consortia serve|index`): SIGINT, SIGTERM and SIGHUP stop the registered steps in reverse order (each bounded),
 * print `Stopped: <what>` for each, and exit. Children are started through {@link spawnChild} (execa): they are killed
 * when this process exits however it exits, and they stop by themselves when this process dies without a chance to
 * (SIGKILL), because they watch their parent (env `CONSORTIA_PARENT_PID`).
 */
import { execa, type Options, type ResultPromise } from "execa";

/** Env var naming the pid of the Consortia process that started this one. */
export const PARENT_PID_ENV = "CONSORTIA_PARENT_PID";
/** How long one stop step may take before shutdown moves on to the next. */
export const STEP_TIMEOUT_MS = 10_000;
/** A signal within this window after the first is the same Ctrl-C (terminal group SIGINT + npm's forwarded copy). */
const SAME_SIGNAL_MS = 1_000;
const ORPHAN_CHECK_MS = 1_000;
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

interface Step {
  /** What stops, as printed: e.g. `local chain (pid 4242) http://127.0.0.1:8545`. */
  what: string;
  stop: () => Promise<void>;
}

const steps: Step[] = [];
let installed = false;
let firstSignalAt: number | undefined;
let stopping: Promise<never> | undefined;
let report: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

/**
 * Installs the signal handlers (and, for a child of a Consortia process, the orphan watch). Idempotent; called by
 * everything that registers a step or spawns a child, so that no child is ever started before the handlers are in.
 */
export function installShutdown(options: { log?: (line: string) => void } = {}): void {
  if (options.log !== undefined) report = options.log;
  if (installed) return;
  installed = true;
  for (const signal of SIGNALS) process.on(signal, () => onSignal(signal));
  watchParent(() => {
    report("The parent process is gone: stopping.");
    void shutdown(1);
  });
}

/** Registers what to stop at shutdown (steps run in reverse order of registration). Returns an unregister function. */
export function onShutdown(what: string, stop: () => Promise<void>): () => void {
  installShutdown();
  const step: Step = { what, stop };
  steps.push(step);
  return () => {
    const index = steps.indexOf(step);
    if (index >= 0) steps.splice(index, 1);
  };
}

/** Stops every registered step (once, however many callers) and exits with `code`. */
export function shutdown(code: number): Promise<never> {
  stopping ??= (async () => {
    for (const step of steps.splice(0).reverse()) {
      try {
        await bounded(step.stop(), STEP_TIMEOUT_MS);
        report(`Stopped: ${step.what}`);
      } catch (error) {
        report(`Could not stop ${step.what}: ${(error as Error).message}`);
      }
    }
    process.exit(code);
  })();
  return stopping;
}

/** True once a shutdown has begun (a child exiting then is expected, not a failure). */
export function isStopping(): boolean {
  return stopping !== undefined;
}

function onSignal(signal: (typeof SIGNALS)[number]): void {
  const now = Date.now();
  if (firstSignalAt === undefined) {
    firstSignalAt = now;
    report(`\n${signal}: stopping (press Ctrl-C again to exit at once) ...`);
    void shutdown(0);
  } else if (now - firstSignalAt > SAME_SIGNAL_MS) {
    report(`${signal} again: exiting at once.`);
    process.exit(130);
  }
}

/**
 * A Consortia child process stops when its parent dies without stopping it (SIGKILL, OOM killer): the parent's pid
 * comes in env `CONSORTIA_PARENT_PID` and `process.ppid` is checked every second. The variable is removed from this
 * process's environment so that its own children, started by other means, do not inherit a stale value.
 */
export function watchParent(onOrphan: () => void): void {
  const expected = Number(process.env[PARENT_PID_ENV]);
  delete process.env[PARENT_PID_ENV];
  if (!Number.isInteger(expected) || expected <= 0) return;
  const orphaned = (): boolean => process.ppid !== expected;
  if (orphaned()) {
    onOrphan();
    return;
  }
  const timer = setInterval(() => {
    if (!orphaned()) return;
    clearInterval(timer);
    onOrphan();
  }, ORPHAN_CHECK_MS);
  timer.unref();
}

/**
 * Starts a child process with execa after the handlers are installed: it is killed if this process exits first
 * (`cleanup`), SIGKILLed if a stop signal did not end it within `forceKillAfterDelay`, and told our pid so that it can
 * watch for our death.
 */
export function spawnChild(file: string, args: readonly string[], options: Options = {}): ResultPromise {
  installShutdown();
  return execa(file, args, childOptions(options));
}

/**
 * The options every child gets (also used where the signal handlers belong to someone else, e.g. a node a test
 * starts): killed on our exit, SIGKILLed 5 s after an unanswered stop signal, told our pid, never rejected on exit.
 */
export function childOptions(options: Options): Options {
  return {
    cleanup: true,
    forceKillAfterDelay: 5_000,
    reject: false,
    ...options,
    env: { ...options.env, [PARENT_PID_ENV]: String(process.pid) },
  };
}

async function bounded(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
