/**
 * The documentation holds together: every relative link and anchor of README.md and docs/*.md resolves (GitHub's
 * heading slugs, from github-slugger), and README's TypeScript samples type-check against the real packages.
 *
 * A sample is a ```ts block. What it assumes (a connected client, a deployed contract, ids) is declared in a hidden
 * comment right above it, `<!-- ts: declare const consortia: Consortia; -->`, so that the reader sees the sample alone
 * and the compiler checks every call it makes. A sample whose first line names a file (`// src/api/routes/x.ts`) is
 * compiled as a file beside that one, so that its relative imports resolve as they would there. The compiler works on
 * in-memory files: nothing is written.
 */
import { expect } from "chai";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import GithubSlugger from "github-slugger";
import { lexer, type Token, type Tokens } from "marked";
import { walk } from "./markdown.js";
import ts from "typescript";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const DOCUMENTS = ["README.md", ...readdirSync(join(ROOT, "docs")).map((name) => `docs/${name}`)].filter((path) =>
  path.endsWith(".md"),
);

/** A heading's text as GitHub renders it (code spans without backticks, links as their text). */
function plainText(tokens: readonly Token[]): string {
  return tokens
    .map((token) => {
      const nested = (token as { tokens?: Token[] }).tokens;
      if (nested !== undefined && nested.length > 0) return plainText(nested);
      return token.type === "codespan" || token.type === "text" ? (token as Tokens.Text).text : (token.raw ?? "");
    })
    .join("");
}

interface Document {
  path: string;
  anchors: Set<string>;
  links: string[];
}

function load(path: string): Document {
  const tokens = lexer(readFileSync(join(ROOT, path), "utf8"));
  const slugger = new GithubSlugger(); // one per document: repeated headings get -1, -2 as on GitHub
  const anchors = new Set<string>();
  const links: string[] = [];
  for (const token of walk(tokens)) {
    if (token.type === "heading") anchors.add(slugger.slug(plainText((token as Tokens.Heading).tokens)));
    if (token.type === "link" || token.type === "image") links.push((token as Tokens.Link).href);
  }
  return { path, anchors, links };
}

const documents = new Map(DOCUMENTS.map((path) => [path, load(path)]));

interface Sample {
  /** Line of the opening fence in README.md. */
  line: number;
  /** The in-memory file the sample is compiled as. */
  file: string;
  /** The hidden declarations, then the sample. */
  text: string;
  /** Lines of hidden declarations before the sample's first line. */
  offset: number;
}

const HIDDEN = /^<!--\s*ts:([\s\S]*?)-->\s*$/;

/** README's ```ts blocks with the hidden declarations above them. */
function samples(): Sample[] {
  const markdown = readFileSync(join(ROOT, "README.md"), "utf8");
  const tokens = lexer(markdown);
  const found: Sample[] = [];
  let position = 0;
  tokens.forEach((token, index) => {
    const start = markdown.indexOf(token.raw, position);
    position = start + token.raw.length;
    if (token.type !== "code" || (token as Tokens.Code).lang !== "ts") return;
    const previous = tokens.slice(0, index).findLast((candidate) => candidate.type !== "space");
    const hidden = previous?.type === "html" ? HIDDEN.exec(previous.raw.trim())?.[1] : undefined;
    const declarations = hidden === undefined ? "" : `${hidden.trim()}\n`;
    const code = (token as Tokens.Code).text;
    const line = markdown.slice(0, start).split("\n").length;
    const named = /^\/\/ ((?:src|packages|test|scripts)\/[\w./-]+\.ts)\s*$/m.exec(code.split("\n")[0]);
    const dir = named === null ? ROOT : dirname(join(ROOT, named[1]));
    found.push({
      line,
      file: join(dir, `__readme_sample_line_${line}.ts`),
      text: `${declarations}${code}\nexport {};\n`,
      offset: declarations === "" ? 0 : declarations.split("\n").length - 1,
    });
  });
  return found;
}

/** Type-checks the samples as in-memory files of the repository, with its tsconfig; the problems, by sample. */
function typeCheck(list: Sample[]): Map<Sample, string[]> {
  const config = ts.readConfigFile(join(ROOT, "tsconfig.json"), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  // Samples are excerpts: a name they declare and do not use is no defect there.
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noUnusedLocals: false,
    noUnusedParameters: false,
    noEmit: true,
  };
  const virtual = new Map(list.map((sample) => [sample.file, sample.text]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => virtual.has(name) || fileExists.call(host, name);
  host.readFile = (name) => virtual.get(name) ?? readFile.call(host, name);
  host.getSourceFile = (name, language, onError, create) => {
    const text = virtual.get(name);
    return text === undefined
      ? getSourceFile.call(host, name, language, onError, create)
      : ts.createSourceFile(name, text, language, true);
  };
  const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host });
  const problems = new Map<Sample, string[]>();
  for (const sample of list) {
    const source = program.getSourceFile(sample.file)!;
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    problems.set(
      sample,
      diagnostics.map((diagnostic) => {
        const { line } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
        const where =
          line < sample.offset
            ? `hidden declaration line ${line + 1}`
            : `README.md:${sample.line + 1 + line - sample.offset}`;
        return `${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
      }),
    );
  }
  return problems;
}

describe("docs: README.md and docs/*.md", () => {
  it("reads the documents and finds their links and headings (the checks below have something to check)", () => {
    const readme = documents.get("README.md")!;
    expect(readme.links.length).to.be.greaterThan(3);
    expect(readme.anchors).to.include("quick-start");
    expect(readme.anchors).to.include("cli-consortia"); // "## CLI (`consortia`)": code span without backticks
  });

  for (const document of documents.values()) {
    it(`${document.path}: every relative link and anchor resolves`, () => {
      const broken: string[] = [];
      for (const href of document.links) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue; // https:, mailto:, …: not ours to check offline
        const [pathPart, anchor] = href.split("#", 2) as [string, string | undefined];
        const target =
          pathPart === "" ? document.path : relative(ROOT, resolve(ROOT, dirname(document.path), pathPart));
        if (!existsSync(join(ROOT, target))) {
          broken.push(`${href}: no file ${target}`);
          continue;
        }
        if (anchor === undefined || anchor === "") continue;
        const linked = documents.get(target) ?? (target.endsWith(".md") ? load(target) : undefined);
        if (linked === undefined) broken.push(`${href}: an anchor into ${target}, which is not Markdown`);
        else if (!linked.anchors.has(decodeURIComponent(anchor)))
          broken.push(`${href}: no heading #${anchor} in ${target}`);
      }
      expect(broken, broken.join("\n")).to.deep.equal([]);
    });
  }

  describe("README's TypeScript samples", function () {
    this.timeout(180_000);
    const list = samples();
    let problems: Map<Sample, string[]>;
    before(() => {
      problems = typeCheck(list);
    });

    it("finds the samples, and the check finds a defect planted in one", () => {
      expect(list.length).to.be.greaterThan(10);
      const planted = {
        ...list[0],
        file: join(ROOT, "__readme_sample_planted.ts"),
        text: `${list[0].text}\nnoSuchFunction();\n`,
      };
      const found = typeCheck([planted]).get(planted)!;
      expect(found.join("\n")).to.contain("Cannot find name 'noSuchFunction'");
    });

    for (const sample of list) {
      it(`README.md:${sample.line}: type-checks`, () => {
        const found = problems.get(sample)!;
        expect(found, found.join("\n")).to.deep.equal([]);
      });
    }
  });
});
