/**
 * The CLI's operator surface (issue 14): amounts, "not found", keystores, deployments files, identifiers from standard
 * input and WebSocket RPC URLs, on the node and deployment the application CLI tests share.
 */
import { expect } from "chai";
import { execa } from "execa";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { connect, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { keccak256, toUtf8Bytes } from "ethers";
import { generateConsortiumKey, toHex } from "@consortia/sdk";
import { appsNetwork, KEYS, type AppsNetwork, lcIssueArgs, type Run } from "./apps.harness.js";

const h = (text: string) => keccak256(toUtf8Bytes(text));
/** An id no test creates. */
const UNKNOWN = "999999";

/** The run failed as a usage error (exit 2) with exactly one `error:` line matching `message`, and sent nothing. */
function expectUsage(run: Run, message: RegExp, what: string): void {
  expect(run.code, `${what}: ${run.stderr}`).to.equal(2);
  const lines = run.stderr.trimEnd().split("\n");
  expect(
    lines.filter((line) => line.startsWith("error:")),
    what,
  ).to.have.length(1);
  expect(lines[lines.length - 1], what).to.match(message);
  expect(run.stderr, what).not.to.match(/sent 0x/);
  expect(run.stderr, what).not.to.match(/^\s+at /m); // no stack trace
}

describe("cli: operator surface against a real node", function () {
  this.timeout(180_000);
  let net: AppsNetwork;
  before(async () => {
    net = await appsNetwork();
  });

  /** `lc issue` with valid terms but `amount`. */
  const lcIssue = (amount: string) => lcIssueArgs(amount, "terms");

  describe("amounts", () => {
    it("0 where a positive amount is required is a usage error naming the option", async () => {
      const cases: [string[], RegExp][] = [
        [["token", "mint", "Bank B", "0"], /^error: <amount>: the amount must be more than 0$/],
        [["token", "transfer", "Bank B", "0.00"], /^error: <amount>: the amount must be more than 0$/],
        [lcIssue("0"), /^error: --amount: the amount must be more than 0$/],
        [["lc", "present", "1", "0", "--document", `invoice=${h("i")}`], /^error: <amount>: the amount must be more/],
        [["lc", "obligation", "Bank B", "0", "--due", "+1d"], /^error: <amount>: the amount must be more than 0$/],
        [["forfaiting", "quote", "1", "0"], /^error: <price>: the amount must be more than 0$/],
        [["receivable", "split", "1", "Exporter", "0"], /^error: <amount>: the amount must be more than 0$/],
      ];
      for (const [args, message] of cases) expectUsage(await net.run(args, { as: "bankA" }), message, args.join(" "));
    });

    it("values beyond the field's type (uint256, or narrower) are usage errors naming the option", async () => {
      // 2^256 minor units, 2^80 minor units (an LC's uint80 amount), 2^88 (a certificate's uint88 value), 2 decimals.
      const above256 = (2n ** 256n).toString();
      const aboveUint80 = "12089258196146291747061.76";
      const cases: [string[], RegExp][] = [
        [["token", "mint", "Bank B", above256], /^error: <amount>: \d+ is above the largest amount .*uint256\)$/],
        [lcIssue(aboveUint80), /^error: --amount: 12089258196146291747061\.76 is above .*uint80\)$/],
        [["lc", "present", "1", aboveUint80, "--document", `invoice=${h("i")}`], /^error: <amount>: .*uint80\)$/],
        [["receivable", "split", "1", "Exporter", "3094850098213450687247810.56"], /^error: <amount>: .*uint88\)$/],
        [["forfaiting", "quote", "1", "3402823669209384634633746074317682114.56"], /^error: <price>: .*uint128\)$/],
      ];
      for (const [args, message] of cases) expectUsage(await net.run(args, { as: "bankA" }), message, args.join(" "));
      // The largest uint80 amount itself passes the check (and the LC is issued).
      const largest = await net.run(lcIssue("12089258196146291747061.75"), { as: "bankA" });
      expect(largest.code, largest.stderr).to.equal(0);
    });

    it("non-canonical numbers are refused: 1__0, _1, 1_, 01, 1e3, 0x10, +1, 1.", async () => {
      for (const bad of ["1__0", "_1", "1_", "1_.5", "01", "00.5", "1e3", "0x10", "+1", "1.", ".5", "1,000"]) {
        const run = await net.run(["token", "mint", "Bank B", bad], { as: "bankA" });
        expectUsage(run, new RegExp(`^error: <amount>: malformed amount "${bad.replace(/[+.]/g, "\\$&")}"`), bad);
      }
      // Ids too: canonical decimals from 1 to the largest uint256.
      for (const bad of ["01", "1e3", "0x1", (2n ** 256n).toString()]) {
        expectUsage(await net.run(["lc", "show", bad]), /^error: malformed letter of credit id/, `lc show ${bad}`);
      }
    });
  });

  describe("not found", () => {
    it("show of an unknown id exits 2 with `no <thing> <id>`, in every application", async () => {
      const cases: [string[], string][] = [
        [["lc", "show", UNKNOWN], "letter of credit"],
        [["lc", "presentation", UNKNOWN], "presentation"],
        [["lc", "position", UNKNOWN], "obligation"],
        [["forfaiting", "show", UNKNOWN], "offer"],
        [["receivable", "show", UNKNOWN], "receivable"],
        [["receivable", "certificate", UNKNOWN], "receivable certificate"],
        [["receivable", "lineage", UNKNOWN], "receivable"],
        [["dataset", "show", UNKNOWN], "dataset"],
        [["dataset", "show-grant", UNKNOWN], "grant"],
        [["dataset", "access", UNKNOWN], "dataset"],
        [["certificate", "show", UNKNOWN], "certificate"],
        [["certificate", "verify", UNKNOWN], "certificate"],
        [["guarantee", "show", UNKNOWN], "guarantee"],
        [["dataset", "verify", UNKNOWN, "1", h("any file")], "dataset"],
        [["guarantee", "verify", h("never issued")], "guarantee"],
        [["upgrade", "verify", UNKNOWN], "upgrade proposal"],
      ];
      for (const [args, thing] of cases) {
        // The id is the command's first argument (an id, or a guarantee's reference hash).
        const message = new RegExp(`^error: no ${thing} ${args[2]}$`);
        expectUsage(await net.run(args), message, args.join(" "));
        expectUsage(await net.run(["--json", ...args]), message, args.join(" "));
      }
    });
    it("dataset verify of a version the dataset does not have is `no dataset <id> version <n>`, not DOES NOT MATCH", async () => {
      const dataset = await net.json<{ datasetId: string }>(
        [
          ...["dataset", "register", "--content", h("verify: one version"), "--metadata", h("verify: metadata")],
          ...["--classification", "internal", "--fields", "bits:0"],
        ],
        { as: "civilAffairs" },
      );
      for (const version of ["0", "2"]) {
        const args = ["dataset", "verify", dataset.datasetId, version, h("verify: one version")];
        expectUsage(
          await net.run(args),
          new RegExp(`^error: no dataset ${dataset.datasetId} version ${version}$`),
          args.join(" "),
        );
      }
      const registered = await net.run(["dataset", "verify", dataset.datasetId, "1", h("verify: one version")]);
      expect(registered.stdout.trim()).to.equal(`MATCHES dataset ${dataset.datasetId} version 1`);
    });
  });

  describe("keystores and deployments files", () => {
    const password = { CONSORTIA_KEYSTORE_PASSWORD: "correct horse battery" };

    it("keystore create onto an existing file fails before reading the key or encrypting, and keeps the file", async () => {
      const file = join(net.workdir, "existing-keystore.json");
      await writeFile(file, "keep me");
      const run = await net.run(["keystore", "create", "--out", file], { env: password, stdin: KEYS.bankA });
      expect(run.code, run.stderr).to.equal(3);
      expect(run.stderr).to.equal(`error: cannot create ${file}: the file exists (never overwritten)\n`);
      expect(run.stderr).not.to.contain("encrypting");
      expect(await readFile(file, "utf8")).to.equal("keep me");
    });

    it("a refused key leaves no keystore file behind", async () => {
      const file = join(net.workdir, "refused-keystore.json");
      const run = await net.run(["keystore", "create", "--out", file], { env: password, stdin: "not a key" });
      expectUsage(run, /^error: stdin is not a private key/, "bad key");
      expect(
        await stat(file).then(
          () => true,
          () => false,
        ),
      ).to.equal(false);
    });

    it("a wrong keystore password and a file that is no keystore each give one line naming the problem and the file", async () => {
      const file = join(net.workdir, "bank-a-keystore.json");
      const created = await net.run(["keystore", "create", "--out", file], { env: password, stdin: KEYS.bankA });
      expect(created.code, created.stderr).to.equal(0);
      const wrong = await net.run(["--keystore", file, "whoami"], {
        env: { CONSORTIA_KEYSTORE_PASSWORD: "wrong password" },
      });
      expect(wrong.code).to.equal(3);
      expect(wrong.stderr).to.match(
        new RegExp(`^error: cannot unlock keystore ${file}: wrong password \\(CONSORTIA_KEYSTORE_PASSWORD\\)\\n$`, "m"),
      );
      expect(wrong.stderr.split("\n").filter((line) => line.startsWith("error:"))).to.have.length(1);

      const broken = join(net.workdir, "broken-keystore.json");
      await writeFile(broken, "{ not json");
      const notKeystore = await net.run(["--keystore", broken, "whoami"], { env: password });
      expect(notKeystore.code).to.equal(3);
      expect(notKeystore.stderr).to.match(
        new RegExp(`^error: cannot unlock keystore ${broken}: not an encrypted JSON keystore \\(.+\\)\\n$`, "m"),
      );
    });

    it("a broken deployments file is named as broken (not missing), in one line with the file", async () => {
      const dir = join(net.workdir, "broken-deployments");
      await mkdir(dir, { recursive: true });
      const file = join(dir, "1337.json");
      await writeFile(file, "{ truncated");
      for (const location of [dir, file]) {
        const run = await net.run(["--deployments", location, "member", "list"]);
        expect(run.code, run.stderr).to.equal(3);
        expect(run.stderr).to.match(new RegExp(`^error: malformed deployments file ${file}: not JSON \\(.+\\)\\n$`));
      }
      await writeFile(file, JSON.stringify({ chainId: 1337 }));
      const invalid = await net.run(["--deployments", dir, "member", "list"]);
      expect(invalid.code).to.equal(3);
      expect(invalid.stderr).to.match(new RegExp(`^error: malformed deployments file ${file}: .*contracts`));
    });
  });

  describe("subject identifiers from standard input", () => {
    it("--id - reads the identifier from stdin and derives the same subject key as --id <value>", async () => {
      const env = { CONSORTIA_CONSORTIUM_KEY: toHex(generateConsortiumKey()) };
      const query = (id: string) => ["blacklist", "query", "--id", id, "--consent", h("consent stdin")];
      const direct = await net.json<{ subjectKey: string }>(query("11010519491231002X"), { as: "bankA", env });
      const piped = await net.json<{ subjectKey: string }>(query("-"), {
        as: "bankA",
        env,
        stdin: "11010519491231002X\n",
      });
      expect(piped.subjectKey).to.equal(direct.subjectKey);
      const empty = await net.run(query("-"), { as: "bankA", env, stdin: "" });
      expectUsage(empty, /^error: --id -: standard input held no identifier$/, "empty stdin");
    });
  });

  describe("WebSocket RPC URLs", () => {
    it("ws:// reads and signs like http:// (Hardhat's node serves ws on the same port)", async () => {
      const ws = net.node.url.replace(/^http/, "ws");
      const list = await net.json<{ name: string }[]>(["--rpc", ws, "member", "list"]);
      expect(list.map((member) => member.name)).to.include("Bank A");
      const minted = await net.json<{ amount: string; transactionHash: string }>(
        ["--rpc", ws, "token", "mint", "Bank C", "1.25"],
        { as: "bankA" },
      );
      expect(minted.amount).to.equal("1.25");
      expect(minted.transactionHash).to.match(/^0x[0-9a-f]{64}$/);
    });

    it("wss:// reads through TLS (a TLS terminator in front of the node, its certificate trusted by NODE_EXTRA_CA_CERTS)", async () => {
      const dir = await mkdtemp(join(tmpdir(), "consortia-wss-"));
      const [key, cert] = [join(dir, "key.pem"), join(dir, "cert.pem")];
      await execa("openssl", [
        ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", key, "-out", cert],
        ...["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
      ]);
      const target = Number(new URL(net.node.url).port);
      const terminator = createTlsServer({ key: await readFile(key), cert: await readFile(cert) }, (tls) => {
        const plain = connect(target, "127.0.0.1");
        tls.pipe(plain).pipe(tls);
        tls.on("error", () => plain.destroy());
        plain.on("error", () => tls.destroy());
      });
      await new Promise<void>((done) => terminator.listen(0, "127.0.0.1", done));
      try {
        const wss = `wss://127.0.0.1:${(terminator.address() as AddressInfo).port}`;
        const list = await net.json<{ name: string }[]>(["--rpc", wss, "member", "list"], {
          env: { NODE_EXTRA_CA_CERTS: cert },
        });
        expect(list.map((member) => member.name)).to.include("Bank A");
        // Without trusting the certificate, the refusal names the URL (the TLS path was taken, not "unknown scheme").
        const untrusted = await net.run(["--rpc", wss, "member", "list"]);
        expect(untrusted.code, untrusted.stderr).to.equal(1);
        expect(untrusted.stderr).to.match(new RegExp(`^error: cannot reach the node at ${wss}: .+\n$`));
      } finally {
        terminator.close();
        await rm(dir, { recursive: true, force: true });
      }
    });

    it("an unreachable ws:// node is one line naming the URL (exit 1), not a hang", async () => {
      const run = await net.run(["--rpc", "ws://127.0.0.1:9", "member", "list"]);
      expect(run.code, run.stderr).to.equal(1);
      expect(run.stderr).to.match(/^error: cannot reach the node at ws:\/\/127\.0\.0\.1:9: .+\n$/);
    });
  });
});
