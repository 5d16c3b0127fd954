/**
 * Which test or CI step runs each command README.md gives the reader, checked by test/docs/commands.test.ts.
 *
 * A README command is a line of a ```sh, ```bash or ```console block (split at `&&`, `;`, ` | ` and `$(…)`, without
 * its leading `NAME=value` assignments and comments), or a code span anywhere (prose, lists, tables) that starts with
 * `npm`, `npx`, `node`, `tsx` or `consortia` and a word (`consortia serve|index` is both). The CLI reference tables
 * and headings (`member list`, `#### deploy …`) name subcommands without the program: they are reference, not command
 * lines, and not extracted.
 *
 * Each command must match exactly one entry below (the first that matches counts), and:
 * - `run`: every file listed exists under test/ and contains every invocation fragment (compared with runs of white
 *   space collapsed to one space; `$1`… are the pattern's groups): the call that executes the command;
 * - `script`: for `npm start|test|run <name>`, package.json's script is exactly that (so that a test running the
 *   script's command runs what `npm …` runs);
 * - `ci`: .ci/run has that line (CI runs exactly it);
 * - `untested`/`notOurs`: why no test runs it; printed by the test, and README says where to find the list.
 * An entry that no README command matches is stale and fails the test too.
 */

export interface Run {
  /** A path relative to the repository root, under test/. */
  file: string;
  /** Fragments the file must contain, e.g. `"member", "list"`. */
  invocation: string[];
}

interface Base {
  /** The README commands this entry covers (whole command, anchored). */
  commands: RegExp;
  /** What a reader should know about how far the run goes. */
  note?: string;
}

export type Coverage =
  | (Base & { run: Run[]; script?: string })
  | (Base & { ci: string; script?: string })
  | (Base & { untested: string })
  | (Base & { notOurs: string });

const CLI = "test/cli/cli.test.ts";
const SWIFT = "test/cli/swift-chain.test.ts";
const LIFECYCLE = "test/ops/lifecycle.test.ts";
const SMOKE = "test/bench/smoke.test.ts";
const bench = (name: string): Run[] => [{ file: SMOKE, invocation: [`"scripts/bench/${name}.ts"`] }];

export const COVERAGE: Coverage[] = [
  // ----------------------------------------------------------------------------------------------- CI (.ci/run)
  { commands: /^npm install$/, ci: "npm install" },
  { commands: /^npm test$/, ci: "npm test", script: "hardhat test" },
  { commands: /^npm run lint$/, ci: "npm run lint" },
  {
    commands: /^(npm run build|npx hardhat build)$/,
    ci: "npm run lint",
    note:
      "npm run lint starts with the same build, contracts then the web console (checked: the lint script starts " +
      "with the build script)",
  },
  {
    commands: /^npx hardhat test (mocha|solidity) (test\/\S+ ?)+$/,
    ci: "npm test",
    note: "a subset of npm test's files, with the same runner (checked: every file or pattern named matches a file)",
  },

  // ------------------------------------------------------------------------------------------- npm start and npm scripts
  {
    commands: /^npm start( -- --no-demo)?$/,
    script: "exec node --import tsx scripts/start.ts",
    run: [{ file: LIFECYCLE, invocation: ['run("npm", ["start", "--", ...args])', 'npmStart(["--no-demo"'] }],
    note: "with --no-demo and free ports (8545 and 8080 may be taken where tests run); the demo runs in the --node anvil test",
  },
  {
    commands: /^npm start -- --node anvil$/,
    script: "exec node --import tsx scripts/start.ts",
    run: [{ file: LIFECYCLE, invocation: ['"scripts/start.ts"', 'direct(["--node", "anvil"'] }],
    note: "as scripts/start.ts, which npm start execs (checked: the start script)",
  },
  {
    commands: /^npm run deploy -- --network <name> \[--founders <file>\]$/,
    script: "hardhat deploy",
    run: [
      { file: "test/e2e/deploy.test.ts", invocation: ['runHardhat(["deploy", "--network", "localhost", "--founders"'] },
    ],
  },
  {
    commands: /^npm run permissioning( -- --network <name> --out <dir>)?$/,
    script: "hardhat permissioning",
    run: [
      {
        file: "test/e2e/deploy.test.ts",
        invocation: ['runHardhat(["permissioning", "--network", "localhost", "--out"'],
      },
    ],
  },
  {
    commands: /^npm run (deploy|permissioning) -- --network besu (--founders founders\.json|--out permissioning\/)$/,
    script: "hardhat $1",
    run: [{ file: CLI, invocation: ['"$1", "--', "CONSORTIA_RPC_URL: node.url"] }],
    note: "hardhat $1 on the besu network is what consortia $1 runs with an RPC URL (src/cli/commands/deploy.ts), against a Hardhat node: CI has no Besu network",
  },
  {
    commands: /^npm run bench:gas$/,
    script: "hardhat run scripts/bench/gas.ts",
    run: [{ file: SMOKE, invocation: ['"run", "--no-compile", "scripts/bench/gas.ts"'] }],
  },
  {
    commands: /^npm run test:web$/,
    script: "vitest run --config src/web/vite.config.ts",
    run: [{ file: "test/web/unit.test.ts", invocation: ['"run", "--config", "src/web/vite.config.ts"'] }],
  },
  { commands: /^npm run bench:indexer$/, script: "node --import tsx scripts/bench/indexer.ts", run: bench("indexer") },
  { commands: /^npm run bench:load$/, script: "node --import tsx scripts/bench/load.ts", run: bench("load") },
  { commands: /^npm run bench:api$/, script: "node --import tsx scripts/bench/api.ts", run: bench("api") },
  { commands: /^npm run bench:web$/, script: "node --import tsx scripts/bench/web.ts", run: bench("web") },
  { commands: /^npx tsx scripts\/bench\/gateway\.ts$/, run: bench("gateway"), note: "with node --import tsx" },
  {
    commands: /^npm run build:sdk$/,
    script: "hardhat build && npm run build -w @consortia/sdk",
    run: [{ file: "test/sdk/client.package.test.ts", invocation: ['"-p", "packages/sdk/tsconfig.build.json"'] }],
    note: "its two steps: hardhat build (the test run's own) and the SDK's tsc -p tsconfig.build.json",
  },
  {
    commands: /^npm pack$/,
    run: [{ file: "test/sdk/package.tarball.test.ts", invocation: ['npm(["pack"'] }],
    note: "in a copy of packages/sdk, so that the work tree keeps no tarball",
  },
  {
    commands: /^npm install \.\.\/consortia\/packages\/sdk\/consortia-sdk-0\.1\.0\.tgz ethers@6$/,
    run: [{ file: "test/sdk/package.tarball.test.ts", invocation: ['npm(["install", join(work, tarball!), `ethers@'] }],
  },
  {
    commands: /^npm run upgrades:snapshot( -- <release>)?$/,
    script: "hardhat build && tsx scripts/upgrades/snapshot.ts",
    run: [
      {
        file: "test/upgrades/snapshot.test.ts",
        invocation: ['"scripts/upgrades/snapshot.ts", ...args', '"--out", out'],
      },
    ],
    note: "its second step, with --out so that the committed upgrades/layouts.json stays; the first is the test run's build",
  },
  {
    commands: /^npm run test:mutants$/,
    untested:
      "one compilation per mutant, several minutes: beyond CI's budget (its child Hardhat's environment is tested by test/ops/hardhat-env.test.ts)",
  },
  {
    commands: /^(CONSORTIA_INVARIANT_\w+=\S+ )*npm run test:invariants$/,
    untested:
      "every invariant suite again with one deeper campaign (runs, depth, seed from the environment), beyond CI's " +
      "budget (npm test runs the same suites at CI's share, on the fixed seed)",
  },
  {
    commands: /^npm run test:deep$/,
    untested:
      "the Solidity tests again with deeper fuzz and invariant campaigns (CONSORTIA_FUZZ=deep), beyond CI's budget " +
      "(npm test runs the same tests at CI's share, on the same seed)",
  },
  {
    commands: /^npx hardhat test --coverage$/,
    untested: "the whole suite again under coverage instrumentation: beyond CI's budget (npm test runs the suite)",
  },
  {
    commands: /^npx hardhat keystore set$/,
    untested: "Hardhat's keystore plugin, interactive (asks for the password on a terminal)",
  },

  // ------------------------------------------------------------------------------------------------- processes
  {
    commands: /^node --import tsx src\/indexer\/main\.ts$/,
    run: [{ file: "test/indexer/faults.test.ts", invocation: ['"src/indexer/main.ts"'] }],
  },
  {
    commands: /^node --import tsx src\/indexer\/main\.ts verify$/,
    run: [{ file: "test/indexer/harness.ts", invocation: ['"src/indexer/main.ts", "verify"'] }],
  },
  {
    commands: /^node --import tsx src\/api\/main\.ts( --with-indexer)?$/,
    run: [
      {
        file: "test/api/main.test.ts",
        invocation: ['"src/api/main.ts", ...args', '"--with-indexer"', "RPC_URL: node.url"],
      },
    ],
    note: "against a local node; the README's besu-node and db host names are the reader's",
  },
  {
    commands: /^node --import tsx src\/gateway\/main\.ts$/,
    run: [{ file: "test/data-sharing/gateway.test.ts", invocation: ['["--import", "tsx", "src/gateway/main.ts"]'] }],
    note: "its configuration errors; the gateway itself is started in-process by the gateway tests",
  },

  {
    commands:
      /^curl -s -X POST http:\/\/127\.0\.0\.1:8080\/auth\/(challenge|login) -H 'content-type: application\/json' +-d '.*'$/,
    run: [{ file: "test/api/auth.test.ts", invocation: ['post("/auth/$1"'] }],
    note: "the sign-in routes, with a demo member's key, against the demo chain's API",
  },
  {
    commands: /^curl -s -H "Authorization: Bearer \$TOKEN" http:\/\/127\.0\.0\.1:8080\/letters-of-credit$/,
    run: [
      { file: "test/api/auth.test.ts", invocation: ['"/letters-of-credit": {', "authorization: `Bearer ${token}`"] },
    ],
    note: "every route with each kind of caller's token",
  },

  // ---------------------------------------------------------------------------------------------------- the CLI
  {
    commands:
      /^npx consortia --rpc http:\/\/127\.0\.0\.1:8545 --as regulator api login --api http:\/\/127\.0\.0\.1:8080$/,
    run: [{ file: "test/api/auth.test.ts", invocation: ['"--as", "regulator", "--json", "api", "login", "--api"'] }],
    note: "on the demo chain (chain 1337) against its API; test/ops/lifecycle.test.ts runs the line npm start prints",
  },
  {
    commands: /^(npx consortia (\.\.\.|…)|npm run cli -- …)$/,
    run: [{ file: CLI, invocation: ['"bin/consortia.js"'] }],
    note: "bin/consortia.js, what npx consortia (package.json bin) and npm run cli run",
  },
  {
    commands: /^npx consortia --rpc http:\/\/127\.0\.0\.1:8545 --as bankA token balance$/,
    run: [{ file: "test/cli/demo-chain.test.ts", invocation: ['"--as", "bankA"'] }],
    note: "--as on the demo chain (with lc issue and whoami; token balance itself in test/cli/cli.test.ts)",
  },
  {
    commands: /^consortia deploy( --founders (config\/founders\.local|founders)\.json)?$/,
    run: [{ file: CLI, invocation: ['"deploy", "--founders", "config/founders.local.json"'] }],
  },
  {
    commands: /^consortia deploy --envelope-suite gm$/,
    run: [
      { file: CLI, invocation: ['"deploy", "--envelope-suite", "gm"'] },
      { file: "test/deploy/envelope-suite.test.ts", invocation: ['envelopeSuite: "gm"'] },
    ],
    note: "the CLI passes the suite to the Hardhat task and a switch is refused; a GM deployment in test/deploy",
  },
  { commands: /^consortia permissioning$/, run: [{ file: CLI, invocation: ['"permissioning", "--out"'] }] },
  { commands: /^consortia member list$/, run: [{ file: CLI, invocation: ['"member", "list"'] }] },
  {
    commands: /^consortia token mint "Local Bank B" 1250\.50$/,
    run: [{ file: CLI, invocation: ['"token", "mint", "Local Bank B", "1250.50"'] }],
  },
  {
    commands: /^consortia member propose-suspend "Local Bank B" --description "ticket 4711"$/,
    run: [{ file: CLI, invocation: ['"member", "propose-suspend"', '"--description"'] }],
  },
  {
    commands: /^consortia --json member proposals$/,
    run: [{ file: CLI, invocation: ['json<unknown[]>(["member", "proposals"])', '"--json", ...args'] }],
  },
  {
    commands: /^consortia (serve|index)$/,
    run: [{ file: CLI, invocation: ['"bin/consortia.js", "--deployments", deployments, "$1"'] }],
  },
  {
    commands: /^consortia serve --with-indexer$/,
    run: [
      { file: "test/indexer/ha.test.ts", invocation: ['"src/api/main.ts"', 'start("second", ["--with-indexer"])'] },
    ],
    note:
      "as `src/api/main.ts --with-indexer`, what the CLI command runs: two writers-to-be and a replica on one schema, " +
      "the writer SIGKILLed (killing the CLI wrapper instead would let its child stop cleanly, not crash)",
  },
  {
    commands: /^consortia index verify( \[--block N\])?$/,
    run: [{ file: CLI, invocation: ['"index", "verify"', '"--block"'] }],
  },
  {
    commands: /^consortia index rebuild$/,
    run: [{ file: CLI, invocation: ['"index", ...args', 'run(["rebuild"])'] }],
  },
  {
    commands: /^npm ci && npx hardhat build --force --no-tests$/,
    run: [{ file: "test/cli/upgrade.test.ts", invocation: ['"--rebuild"', "rebuildAtCommit("] }],
    note:
      "the release build as `upgrade verify --rebuild` repeats it (src/upgrades/rebuild.ts: `hardhat build " +
      "--no-tests` in a fresh directory, where --force changes nothing, with the installed dependencies; npm ci is " +
      "CI's npm install)",
  },
  {
    commands: /^consortia upgrade$/,
    run: [{ file: "test/cli/upgrade.test.ts", invocation: ['"upgrade", "propose"', '"upgrade", "status"'] }],
  },
  {
    commands: /^consortia upgrade (propose|verify|status|schedule)\b.*$/,
    run: [{ file: "test/cli/upgrade.test.ts", invocation: ['"upgrade", "$1"'] }],
  },
  {
    commands: /^consortia member (approve|execute) <(proposalId|id)>$/,
    run: [{ file: "test/cli/upgrade.test.ts", invocation: ['"member", "$1"'] }],
  },
  {
    commands: /^consortia network init( --validators \d+ --members \S+ --deployer .+)?$/,
    run: [{ file: "test/network/init.test.ts", invocation: ['"network", "init"', '"--validators"', '"--chain-id"'] }],
  },
  {
    commands: /^consortia network (register-node|propose-validator|add-validator) .+$/,
    run: [{ file: "test/network/anvil-genesis.test.ts", invocation: ['"network", "$1"'] }],
    note: "on Anvil; add-validator --send to a JSON-RPC recorder standing in for the Besu validators (CI has no Besu network)",
  },
  {
    commands: /^consortia keystore create --out deployer\.json$/,
    run: [
      { file: "test/cli/operator.test.ts", invocation: ['["keystore", "create", "--out", file]', "stdin: KEYS.bankA"] },
    ],
    note: "the key on standard input, as README pipes openssl's into it",
  },
  {
    commands: /^consortia dataset tree( <files…> --out manifest\.json --dataset N --version N)?$/,
    run: [{ file: "test/cli/dataset-tree.test.ts", invocation: ['"dataset", "tree", ...files, "--out"'] }],
  },
  {
    commands: /^consortia data trace( <leaked file> --store DIR)?$/,
    run: [{ file: "test/data-sharing/gateway-trace.test.ts", invocation: ['"data", "trace", leak, "--store"'] }],
  },
  {
    commands: /^consortia (approval|calendar) …$/,
    run: [{ file: "test/cli/approvals.test.ts", invocation: ['["$1",'] }],
    note: "every approval and calendar subcommand the README's walk-through names runs in that file",
  },
  {
    commands: /^consortia lc present$/,
    run: [{ file: "test/cli/letters-of-credit.test.ts", invocation: ['"lc", "present", sightLc, "100"'] }],
  },
  {
    commands: /^consortia lc present <id> <amount> --document <kind=hash> --shipped <date>$/,
    run: [{ file: "test/cli/letters-of-credit.test.ts", invocation: ['"--shipped", thirtyDaysAgo'] }],
  },
  {
    commands: /^consortia lc present <id> <amount> --document … --backing <subjectKey>$/,
    run: [{ file: "test/cli/letters-of-credit.test.ts", invocation: ['"--backing", invoiceKey'] }],
  },
  {
    commands: /^consortia lc link-backing <presentation> <subjectKey>$/,
    run: [
      {
        file: "test/cli/letters-of-credit.test.ts",
        invocation: ['["lc", "link-backing", presentationId, invoiceKey]'],
      },
    ],
  },
  {
    commands: /^consortia lc presentation-period <id> <days>$/,
    run: [{ file: "test/cli/letters-of-credit.test.ts", invocation: ['["lc", "presentation-period", lcId, "7"]'] }],
  },
  {
    commands: /^consortia lc presentation <id>$/,
    run: [{ file: "test/cli/letters-of-credit.test.ts", invocation: ['["lc", "presentation", held.presentationId]'] }],
  },
  {
    commands: /^consortia lc return-documents <presentation>$/,
    run: [
      { file: "test/cli/letters-of-credit.test.ts", invocation: ['["lc", "return-documents", held.presentationId]'] },
    ],
  },
  {
    commands: /^consortia lc preclude <presentation>$/,
    run: [{ file: "test/cli/letters-of-credit.test.ts", invocation: ['["lc", "preclude", early.presentationId]'] }],
    note: "the CLI test's node cannot move its clock: it checks the refusal before the deadline",
  },
  {
    commands:
      /^consortia lc refuse <presentation> --discrepancy <code> --notice <hash> \[--return-documents\] \[--code-key\]$/,
    run: [
      {
        file: "test/cli/letters-of-credit.test.ts",
        invocation: [
          '"lc", "refuse", held.presentationId',
          '"lc", "examine", presentationId, "--discrepancy", "LATE_SHIPMENT", "--code-key"',
        ],
      },
    ],
    note: "--code-key keys the codes the same way for examine and refuse (one option of both commands)",
  },
  {
    commands: /^consortia receivable (pay-partial|claim-share|part-payments|refund-part-payments) \S.*$/,
    run: [{ file: "test/cli/part-payments.test.ts", invocation: ['"receivable", "$1"'] }],
  },
  {
    commands: /^consortia receivable recourse (offer|accept|chain|exercise|honour|discharge) \S.*$/,
    run: [{ file: "test/cli/recourse.test.ts", invocation: ['"receivable", "recourse", "$1"'] }],
  },
  {
    commands: /^consortia forfaiting (seal-opening|accept-sealed) \S.*$/,
    run: [{ file: "test/cli/forfaiting.test.ts", invocation: ['"forfaiting", "$1"'] }],
    note:
      "the CLI node's clock only moves forward: the test seals an opening and accepts before the quote deadline " +
      "(refused by the simulation, nothing sent); the trade itself is in test/forfaiting/ForfaitingMarket.test.ts",
  },
  {
    commands: /^consortia lc credit-line$/,
    run: [{ file: "test/cli/letters-of-credit.test.ts", invocation: ['"lc", "credit-line"'] }],
  },
  {
    commands: /^consortia financing (request|quote|commit|reveal|show|accept) \S.*$/,
    run: [{ file: "test/cli/financing.test.ts", invocation: ['"financing", "$1"'] }],
  },
  {
    commands: /^consortia report unattested \[--bank <id>\] \[--application ForfaitingPurchase\]$/,
    run: [
      {
        file: "test/api/reports.test.ts",
        invocation: ['"report", "unattested", "--application", "ForfaitingPurchase"'],
      },
    ],
    note: "against the demo chain's API with sign-in on, as the regulator and as a bank",
  },
  {
    commands:
      /^consortia lc (margin|documents) (share|lock|release|hold|pay|trust-receipt|account) <(id|presentation)>( \S+)*$/,
    run: [{ file: "test/cli/lc-applicant.test.ts", invocation: ['"lc", "$1", "$2"'] }],
    note: "margin and documents end to end on the CLI test node (share, lock, hold, account, trust receipt, pay, release)",
  },
  {
    commands: /^consortia lc confirmation (authorize|add|extend|decline-amendment|decline|withdraw|show) <id>( \S+)*$/,
    run: [{ file: "test/cli/lc-confirmations.test.ts", invocation: ['"lc", "confirmation", "$1"'] }],
    note: "confirmation end to end on the CLI test node (authorize, add, amendment declined then extended, decline, withdraw)",
  },
  {
    commands: /^consortia lc propose-currency <currency> <token>$/,
    run: [
      { file: "test/cli/letters-of-credit.test.ts", invocation: ['["lc", "propose-currency", "EUR", eurAddress]'] },
    ],
  },
  {
    commands: /^consortia lc currency <currency>$/,
    run: [{ file: "test/cli/letters-of-credit.test.ts", invocation: ['["lc", "currency", "978"]'] }],
  },
  {
    commands: /^consortia lc obligation <creditor> <amount> --due <date> --currency USD$/,
    run: [
      {
        file: "test/cli/letters-of-credit.test.ts",
        invocation: ['["lc", "obligation", "Bank B", "50", "--due", "1", "--currency", "EUR"]'],
      },
    ],
    note: "the CLI test records in EUR (978), the currency its node maps; USD is the demo's",
  },
  {
    commands: /^consortia lc net$/,
    run: [{ file: "test/cli/letters-of-credit.test.ts", invocation: ['["lc", "net", first.obligationId'] }],
  },
  {
    commands: /^consortia lc import --mt700 mt700\.txt --out lc-terms\.json --issue$/,
    run: [{ file: SWIFT, invocation: ['"lc", "import", "--mt700", source, "--out", terms, "--issue"'] }],
  },
  {
    commands: /^consortia lc export 1 --mt700 --terms lc-terms\.json$/,
    run: [{ file: SWIFT, invocation: ['"lc", "export", lcId, "--mt700", "--terms", terms'] }],
  },
  {
    commands: /^consortia lc export 1 --mt707 --terms lc-terms\.json --amended-terms lc-terms-2\.json$/,
    run: [{ file: SWIFT, invocation: ['"lc", "export", lcId, "--mt707", "--terms", terms, "--amended-terms"'] }],
  },
  {
    commands: /^consortia guarantee import --mt760 mt760\.txt --out g-terms\.json --kind performance --apply$/,
    run: [
      {
        file: SWIFT,
        invocation: ['"guarantee", "import", "--mt760", source, "--out", terms, "--kind", "performance", "--apply"'],
      },
    ],
  },
  {
    commands: /^consortia guarantee export 1 --mt760 --terms g-terms\.json$/,
    run: [{ file: SWIFT, invocation: ['"guarantee", "export", guaranteeId, "--mt760", "--terms", terms'] }],
  },
  {
    commands: /^consortia guarantee export 1 --mt767 --terms g-terms\.json --amendment-text amendment\.txt --number 1$/,
    run: [
      {
        file: SWIFT,
        invocation: [
          '"guarantee", "export", guaranteeId, "--mt767", "--terms", terms, "--amendment-text", text, "--number", "1"',
        ],
      },
    ],
  },
  {
    commands: /^consortia document key --tax-id \S+ --code \d+ --number \d+$/,
    run: [{ file: "test/cli/documents.test.ts", invocation: ['"document", "key", "--tax-id"', '"--code"'] }],
  },
  {
    commands: /^consortia document status 0x… --face \d+$/,
    run: [{ file: "test/cli/documents.test.ts", invocation: ['"document", "status", documentId, "--face"'] }],
  },
  {
    commands: /^consortia limit (set|show) "Huaxia Motors"( \d+)?$/,
    run: [{ file: "test/cli/limits.test.ts", invocation: ['"limit", "$1", "Importer"'] }],
  },
  {
    commands:
      /^consortia --as regulator report (exposure|overdue|concentration|duplicate-financing) --api http:\/\/127\.0\.0\.1:8080( --csv)?( --view limits| --top 3)?$/,
    run: [{ file: "test/api/reports.test.ts", invocation: ['"report", "$1"'] }],
    note: "against the demo chain's API with sign-in on, as the regulator (and refused as a bank)",
  },
  {
    commands:
      /^consortia --as bankA registration (export|import) (zdw-query\.json )?--api http:\/\/127\.0\.0\.1:8080( --csv| --proof zdw-proof\.json)$/,
    run: [{ file: "test/api/reports.test.ts", invocation: ['"registration", "$1"'] }],
    note: "against the demo chain's API with sign-in on (the import as the regulator, with a query result it writes)",
  },
  {
    commands: /^consortia limit enforce$/,
    run: [{ file: "test/cli/limits.test.ts", invocation: ['["limit", "enforce"]'] }],
  },
  {
    commands:
      /^consortia freeze propose --tokens \S+ --amount \d+ --reference file:\S+ --authority 0x… --expires \+30d$/,
    run: [{ file: "test/cli/freeze.test.ts", invocation: ['"freeze",', '"propose",', '"--tokens",'] }],
  },
  {
    commands: /^consortia freeze (approve|release|approve-release|show) <order>$/,
    run: [{ file: "test/cli/freeze.test.ts", invocation: ['["freeze", "$1", id]'] }],
  },
  {
    commands: /^consortia data request( <access-id> --store DIR)?$/,
    run: [
      {
        file: "test/data-sharing/gateway-records.test.ts",
        invocation: ['"data", "request", served.accessId, "--store"'],
      },
    ],
  },

  // ------------------------------------------------------------------------------------------- not this project's
  { commands: /^(cd|export) \S.*$/, notOurs: "a shell builtin: sets the directory or the environment of what follows" },
  { commands: /^jq /, notOurs: "jq, the JSON filter the example pipes the CLI's --json output into" },
  { commands: /^openssl rand -hex \d+$/, notOurs: "openssl, which makes the example's API token or deployer key" },
];
