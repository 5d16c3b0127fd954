/**
 * Every command README.md gives the reader is run by a test or by CI, or is listed as untested with the reason: the
 * commands are extracted with the Markdown lexer test/docs/readme.test.ts uses (marked) and checked against the one
 * declared table of test/docs/commands.ts, which says what runs each (see there for what counts as a command and
 * what each entry promises). The table cannot go stale: a new README command without an entry, an entry no command
 * matches, a test file that does not exist or does not contain the invocation, a package.json script or a CI line
 * that changed all fail here. `LIST_README_COMMANDS=1` prints every command found with its line (when adding entries).
 */
import { expect } from "chai";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { lexer, type Tokens } from "marked";
import { walk } from "./markdown.js";
import { COVERAGE, type Coverage } from "./commands.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface ReadmeCommand {
  /** 1-based line in README.md. */
  line: number;
  text: string;
}

const SHELL = new Set(["sh", "bash", "console", "shell"]);
const RUNNABLE = /^(npm|npx|node|tsx|consortia) [-\w.]/;

/** The simple commands of one shell line: `$(…)` pulled out, split at `&&`, `||`, `;`, ` | `, assignments dropped. */
export function simpleCommands(line: string): string[] {
  const found: string[] = [];
  const outer = line.replace(/\$\(([^()]*)\)/g, (_, inner: string) => {
    found.push(...simpleCommands(inner));
    return "SUBSTITUTION";
  });
  for (const part of outer.split(/&&|\|\||;| \| /)) {
    const command = part
      .trim()
      .replace(/^\(+|\)+$/g, "")
      .trim()
      .replace(/^(?:[A-Z_][A-Z0-9_]*=\S*\s+)+/, "");
    if (command !== "") found.push(command);
  }
  return found;
}

/** `consortia serve|index` names two commands: each word with `|` (and no space around it) expands. */
function alternatives(span: string): string[] {
  const words = span.split(" ");
  const at = words.findIndex((word) => /^[\w-]+(\|[\w-]+)+$/.test(word));
  if (at < 0) return [span];
  return words[at]
    .split("|")
    .flatMap((choice) => alternatives([...words.slice(0, at), choice, ...words.slice(at + 1)].join(" ")));
}

/** README's commands: shell blocks' lines and runnable code spans, with their lines. */
export function readmeCommands(markdown: string): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  /** The line of `needle`, searched from `from` (a nested token's raw may lose its list indentation: then `text`). */
  const lineOf = (needle: string, from: number, fallback: string): number => {
    const at = markdown.indexOf(needle, from);
    const found = at >= 0 ? at : markdown.indexOf(fallback, from);
    if (found < 0) throw new Error(`README.md: cannot find ${JSON.stringify(fallback)}`);
    return markdown.slice(0, found).split("\n").length;
  };
  let position = 0;
  for (const top of lexer(markdown)) {
    const start = markdown.indexOf(top.raw, position);
    position = start + top.raw.length;
    for (const token of walk([top])) {
      if (token.type === "code" && SHELL.has((token as Tokens.Code).lang ?? "")) {
        const lines = (token as Tokens.Code).text.split("\n");
        const first = lineOf(lines[0], start, lines[0].trim());
        for (let i = 0; i < lines.length; i++) {
          let text = lines[i];
          const at = i;
          while (text.endsWith("\\") && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i].trim()}`;
          text = text
            .replace(/^\$ /, "")
            .replace(/(^|\s)#\s.*$/, "")
            .trim();
          for (const command of simpleCommands(text)) commands.push({ line: first + at, text: command });
        }
      } else if (token.type === "codespan") {
        const span = (token as Tokens.Codespan).text.replace(/\s+/g, " ").trim();
        if (!RUNNABLE.test(span)) continue;
        const line = lineOf(token.raw, start, token.raw.split("\n")[0]); // a span may wrap onto the next line
        for (const text of alternatives(span)) commands.push({ line, text });
      }
    }
  }
  return commands;
}

const collapse = (text: string): string => text.replace(/\s+/g, " ");

/** Files matching a path that may hold `*` in its last part (as a shell expands `test/indexer/*.test.ts`). */
function expand(path: string): string[] {
  if (!path.includes("*")) return existsSync(join(ROOT, path)) ? [path] : [];
  const dir = dirname(path);
  const pattern = new RegExp(
    `^${path
      .slice(dir.length + 1)
      .replace(/[.]/g, "\\.")
      .replace(/\*/g, ".*")}$`,
  );
  return existsSync(join(ROOT, dir)) ? readdirSync(join(ROOT, dir)).filter((name) => pattern.test(name)) : [];
}

/** The npm script a command runs (`npm start`, `npm test`, `npm run <name> …`), if any. */
function npmScript(command: string): string | undefined {
  return /^npm (start|test)\b/.exec(command)?.[1] ?? /^npm run ([\w:-]+)/.exec(command)?.[1];
}

interface Repository {
  file(path: string): string | undefined;
  scripts: Record<string, string>;
  ciLines: string[];
}

const repository: Repository = {
  file: (path) => (existsSync(join(ROOT, path)) ? readFileSync(join(ROOT, path), "utf8") : undefined),
  scripts: (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> })
    .scripts,
  ciLines: readFileSync(join(ROOT, ".ci/run"), "utf8")
    .split("\n")
    .map((line) => line.trim()),
};

/** Every problem of `commands` against `coverage`, one line each (none: the table holds). */
export function problems(commands: ReadmeCommand[], coverage: Coverage[], repo: Repository = repository): string[] {
  const found: string[] = [];
  const used = new Set<Coverage>();
  for (const command of commands) {
    const where = `README.md:${command.line}: \`${command.text}\``;
    const entry = coverage.find((candidate) => candidate.commands.test(command.text));
    if (entry === undefined) {
      found.push(`${where}: no entry in test/docs/commands.ts says what runs it`);
      continue;
    }
    used.add(entry);
    const groups = entry.commands.exec(command.text)!;
    const script = npmScript(command.text);
    if ("script" in entry && entry.script !== undefined) {
      if (script === undefined) found.push(`${where}: the entry names a script, but this is no npm script`);
      else {
        const expected = entry.script.replace(/\$(\d)/g, (_, n: string) => groups[Number(n)] ?? "");
        if (repo.scripts[script] !== expected)
          found.push(`${where}: package.json's "${script}" is "${repo.scripts[script]}", the entry says "${expected}"`);
      }
    }
    if ("run" in entry) {
      for (const run of entry.run) {
        const text = run.file.startsWith("test/") ? repo.file(run.file) : undefined;
        if (text === undefined) {
          found.push(`${where}: ${run.file} does not exist under test/`);
          continue;
        }
        for (const fragment of run.invocation) {
          const expected = collapse(fragment.replace(/\$(\d)/g, (_, n: string) => groups[Number(n)] ?? ""));
          if (!collapse(text).includes(expected)) found.push(`${where}: ${run.file} does not contain ${expected}`);
        }
      }
    }
    if ("ci" in entry) {
      if (!repo.ciLines.includes(entry.ci)) found.push(`${where}: .ci/run has no line "${entry.ci}"`);
      if (/build/.test(command.text) && !repo.scripts.lint.startsWith(`${repo.scripts.build} &&`))
        found.push(`${where}: the lint script no longer starts with the build script "${repo.scripts.build}"`);
      for (const path of command.text.split(" ").filter((word) => word.startsWith("test/")))
        if (expand(path).length === 0) found.push(`${where}: no file ${path}`);
    }
  }
  for (const entry of coverage)
    if (!used.has(entry)) found.push(`test/docs/commands.ts: no README command matches ${entry.commands}`);
  return found;
}

if (process.env.LIST_README_COMMANDS)
  for (const c of readmeCommands(readFileSync(join(ROOT, "README.md"), "utf8"))) console.log(c.line, c.text);

describe("docs: every README command is run by a test or by CI (test/docs/commands.ts)", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const commands = readmeCommands(readme);

  it("extracts shell blocks' commands and runnable code spans, with their lines", () => {
    const texts = commands.map((command) => command.text);
    expect(texts).to.include.members([
      "npm install",
      "npm start",
      "npm test",
      "npm run bench:api",
      "consortia member list",
    ]);
    expect(texts).to.include("node --import tsx src/api/main.ts --with-indexer"); // after its NAME=value lines
    expect(texts).to.include.members(["consortia serve", "consortia index"]); // `consortia serve|index`
    expect(texts).to.not.include("member list"); // the CLI reference table's rows name subcommands only
    const start = commands.find((command) => command.text === "npm start")!;
    expect(readme.split("\n")[start.line - 1]).to.contain("npm start");
    expect(simpleCommands("A=1 B=$(openssl rand -hex 4) node x.js --y && (cd d && npm pack) | jq .")).to.deep.equal([
      "openssl rand -hex 4",
      "node x.js --y",
      "cd d",
      "npm pack",
      "jq .",
    ]);
  });

  it("finds a command without an entry, a missing test file, a missing invocation, a changed script and a stale entry", () => {
    const planted: Coverage[] = [
      { commands: /^npm run lint$/, run: [{ file: "test/docs/no-such.test.ts", invocation: ["x"] }] },
      {
        commands: /^npm run build$/,
        script: "tsc",
        run: [{ file: "test/docs/readme.test.ts", invocation: ['"never", "called"'] }],
      },
      { commands: /^npm run never$/, untested: "stale" },
    ];
    const found = problems(
      [
        { line: 1, text: "npm run lint" },
        { line: 2, text: "npm run build" },
        { line: 3, text: "npx consortia-new thing" },
      ],
      planted,
    );
    expect(found).to.deep.equal([
      "README.md:1: `npm run lint`: test/docs/no-such.test.ts does not exist under test/",
      `README.md:2: \`npm run build\`: package.json's "build" is "${repository.scripts.build}", the entry says "tsc"`,
      'README.md:2: `npm run build`: test/docs/readme.test.ts does not contain "never", "called"',
      "README.md:3: `npx consortia-new thing`: no entry in test/docs/commands.ts says what runs it",
      "test/docs/commands.ts: no README command matches /^npm run never$/",
    ]);
  });

  it("every README command has an entry, and every entry holds", () => {
    const found = problems(commands, COVERAGE);
    expect(found, found.join("\n")).to.deep.equal([]);
  });

  it("prints the commands no test runs, and why", () => {
    const untested = COVERAGE.flatMap((entry) =>
      "untested" in entry
        ? [`  untested  ${entry.commands.source}: ${entry.untested}`]
        : "notOurs" in entry
          ? [`  not ours  ${entry.commands.source}: ${entry.notOurs}`]
          : [],
    );
    console.log(
      `    README commands no test runs (test/docs/commands.ts):\n${untested.map((line) => `    ${line}`).join("\n")}`,
    );
    expect(untested.length).to.be.greaterThan(0);
  });
});
