/**
 * The operator CLI run in the test's own process: `run(argv)` of src/cli/program.ts (a fresh commander program and a
 * fresh CLI context per call) with the environment, standard input, standard output and standard error a child
 * process would have had. It spares each call the ~2 s of CPU a `node bin/consortia.js` start costs (Node, tsx and
 * the whole SDK loaded again); what only a real process shows (bin/consortia.js itself, `process.exit` with the code,
 * signals, variables Node reads at start such as NODE_EXTRA_CA_CERTS, sockets left open) stays with the tests that
 * spawn the binary, and so do the commands that hand their standard streams to a child (`serve`, `index`: the child
 * writes to this process's file descriptors, not through the captured `write`).
 *
 * Calls run one at a time (they swap process-wide state): a second call waits for the first.
 */
import { Readable } from "node:stream";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The process-wide state one call swaps in, and restores after. */
interface Swapped {
  env: NodeJS.ProcessEnv;
  stdout: typeof process.stdout.write;
  stderr: typeof process.stderr.write;
  stdin: PropertyDescriptor | undefined;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `consortia <args>` in this process with exactly `env` as its environment (as `spawn(..., { env })` would) and
 * `stdin` as standard input (a pipe, not a terminal); resolves with the exit code `run` returned and the output.
 */
export function runCliInProcess(args: string[], env: NodeJS.ProcessEnv, stdin = ""): Promise<CliRun> {
  const call = queue.then(() => runOnce(args, env, stdin));
  queue = call.catch(() => undefined);
  return call;
}

async function runOnce(args: string[], env: NodeJS.ProcessEnv, stdin: string): Promise<CliRun> {
  const { run } = await import("../../src/cli/program.js");
  let stdout = "";
  let stderr = "";
  const saved: Swapped = {
    env: { ...process.env },
    stdout: process.stdout.write,
    stderr: process.stderr.write,
    stdin: Object.getOwnPropertyDescriptor(process, "stdin"),
  };
  setEnvironment(env);
  process.stdout.write = capture((text) => (stdout += text));
  process.stderr.write = capture((text) => (stderr += text));
  Object.defineProperty(process, "stdin", {
    configurable: true,
    enumerable: saved.stdin?.enumerable ?? true,
    value: Readable.from(stdin === "" ? [] : [Buffer.from(stdin)]),
  });
  try {
    const code = await run(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = saved.stdout;
    process.stderr.write = saved.stderr;
    if (saved.stdin !== undefined) Object.defineProperty(process, "stdin", saved.stdin);
    setEnvironment(saved.env);
  }
}

/** Makes process.env hold exactly `env` (the same object: modules that kept a reference see the change). */
function setEnvironment(env: NodeJS.ProcessEnv): void {
  for (const name of Object.keys(process.env)) if (!(name in env)) delete process.env[name];
  for (const [name, value] of Object.entries(env)) if (value !== undefined) process.env[name] = value;
}

/**
 * Whether a call needs a real process: a variable Node reads only as it starts (NODE_*), or a WebSocket node (the
 * CLI's WebSocket provider stays open until `process.exit`, which only a child process does). CONSORTIA_TEST_CLI=spawn
 * runs every call as a child process (the whole CLI suite through the binary, as before in-process runs).
 */
export function needsProcess(args: string[], env: NodeJS.ProcessEnv): boolean {
  if (process.env.CONSORTIA_TEST_CLI === "spawn") return true;
  const webSocket = (value: string | undefined): boolean => value !== undefined && /(^|[,=])wss?:\/\//.test(value);
  return (
    Object.keys(env).some((name) => name.startsWith("NODE_") && env[name] !== process.env[name]) ||
    args.some(webSocket) ||
    webSocket(env.CONSORTIA_RPC_URL)
  );
}

/** A stream `write` that hands each chunk, as text, to `sink` and reports it written. */
function capture(sink: (text: string) => void): typeof process.stdout.write {
  return ((
    chunk: string | Uint8Array,
    encoding?: BufferEncoding | ((error?: Error | null) => void),
    done?: () => void,
  ) => {
    sink(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    const callback = typeof encoding === "function" ? encoding : done;
    if (callback !== undefined) process.nextTick(callback);
    return true;
  }) as typeof process.stdout.write;
}
