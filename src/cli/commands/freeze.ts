/**
 * `consortia freeze ...`: freeze orders by a court or regulator. A regulator account proposes, a second regulator
 * account approves (two-person rule), or the consortium votes (`--by-vote`); a release takes the same paths; an order
 * lapses at its expiry by itself. Only hashes of the order document and of the authority go on chain.
 */
import type { Command } from "commander";
import type { FreezeScope } from "@consortia/sdk";
import type { Cli } from "../context.js";
import { UsageError } from "../errors.js";
import { details } from "../output.js";
import { parseAddress, parseDate, parseHash, parseId, parseTokenAmount } from "../parse.js";
import { printed } from "./parties.js";
import { progress } from "./shared.js";

const KINDS = ["None", "Certificate", "Tokens", "Claim"];

interface ProposeOptions {
  certificate?: string;
  tokens?: string;
  claim?: string;
  claimContract?: string;
  amount?: string;
  reference: string;
  authority: string;
  expires: string;
  byVote?: boolean;
}

export function register(program: Command, cli: () => Cli): void {
  const freeze = program.command("freeze").description("freeze orders by a court or regulator");

  freeze
    .command("propose")
    .description("order a freeze: as a regulator (a second regulator account approves), or --by-vote (a proposal)")
    .option("--certificate <id>", "a receivable certificate")
    .option("--tokens <account>", "an account's deposit tokens")
    .option("--claim <id>", "a forfaiting claim (an LC's accepted presentation by default)")
    .option("--claim-contract <address>", "the claim's contract (default: the letters of credit)")
    .option("--amount <decimal>", "the value frozen (default: all of it)")
    .requiredOption("--reference <hash>", "the order document: 0x hash, file:<path> or json:<path> (hashed here)")
    .requiredOption("--authority <hash>", "the issuing authority's keyed hash (0x…, file:<path> or json:<path>)")
    .requiredOption("--expires <date>", "when the order lapses: +90d, 2027-06-30, unix seconds")
    .option("--by-vote", "propose it to the consortium's vote instead")
    .action(async (options: ProposeOptions) => {
      const consortia = await cli().consortia({ sign: true });
      const chosen = [options.certificate, options.tokens, options.claim].filter((v) => v !== undefined);
      if (chosen.length !== 1) throw new UsageError("name exactly one of --certificate, --tokens, --claim");
      const amount =
        options.amount === undefined
          ? 0n
          : await parseTokenAmount(consortia, options.amount, "--amount", { bits: 96, zero: false });
      let scope: FreezeScope;
      if (options.certificate !== undefined) {
        scope = consortia.freeze.certificateScope(parseId(options.certificate, "certificate"), amount);
      } else if (options.tokens !== undefined) {
        scope = consortia.freeze.tokensScope(parseAddress(options.tokens, "account"), amount);
      } else {
        if (amount !== 0n) throw new UsageError("a claim is frozen whole: no --amount");
        const contract =
          options.claimContract === undefined ? undefined : parseAddress(options.claimContract, "claim contract");
        scope = consortia.freeze.claimScope(parseId(options.claim!, "claim"), contract);
      }
      const reference = await parseHash(options.reference, "reference");
      const authority = await parseHash(options.authority, "authority");
      const expiry = Number(await parseDate(options.expires, "expiry", cli().chainTime));
      if (options.byVote === true) {
        const { proposalId, receipt } = await consortia.freeze.proposeFreezeByVote(
          scope,
          reference,
          authority,
          expiry,
          `freeze order ${reference}`,
          progress(cli(), "propose a freeze to the vote"),
        );
        printed(cli(), receipt, { proposalId: proposalId.toString() }, `proposal ${proposalId}: freeze by vote`);
        return;
      }
      const { orderId, receipt } = await consortia.freeze.propose(
        scope,
        reference,
        authority,
        expiry,
        progress(cli(), "propose a freeze"),
      );
      printed(cli(), receipt, { orderId: orderId.toString() }, `freeze order ${orderId} proposed`);
    });

  const step = (name: string, description: string, run: (id: bigint) => Promise<unknown>, done: string) =>
    freeze
      .command(name)
      .argument("<order>", "the order id")
      .description(description)
      .action(async (orderText: string) => {
        const id = parseId(orderText, "order");
        const receipt = (await run(id)) as Parameters<typeof printed>[1];
        printed(cli(), receipt, { orderId: id.toString() }, `freeze order ${id}: ${done}`);
      });

  const signed = async () => (await cli().consortia({ sign: true })).freeze;
  step(
    "approve",
    "approve a proposed freeze as a second regulator account: it takes effect",
    async (id) => (await signed()).approve(id, progress(cli(), `approve order ${id}`)),
    "in force",
  );
  step(
    "cancel",
    "withdraw your proposal before it is approved",
    async (id) => (await signed()).cancel(id, progress(cli(), `cancel order ${id}`)),
    "cancelled",
  );
  step(
    "release",
    "propose to release an order in force (a second regulator account approves it)",
    async (id) => (await signed()).proposeRelease(id, progress(cli(), `propose the release of order ${id}`)),
    "release proposed",
  );
  step(
    "approve-release",
    "approve the release as a second regulator account: the value moves again",
    async (id) => (await signed()).approveRelease(id, progress(cli(), `release order ${id}`)),
    "released",
  );
  step(
    "lapse",
    "tidy up an order past its expiry (any member)",
    async (id) => (await signed()).lapse(id, progress(cli(), `lapse order ${id}`)),
    "lapsed",
  );

  freeze
    .command("release-by-vote")
    .argument("<order>", "the order id")
    .description("propose the release of an order to the consortium's vote")
    .action(async (orderText: string) => {
      const id = parseId(orderText, "order");
      const { proposalId, receipt } = await (
        await signed()
      ).proposeReleaseByVote(id, `release freeze order ${id}`, progress(cli(), `propose the release of ${id}`));
      printed(cli(), receipt, { orderId: id.toString(), proposalId: proposalId.toString() }, `proposal ${proposalId}`);
    });

  freeze
    .command("show")
    .argument("<order>", "the order id")
    .description("an order: scope, hashes, expiry, status and who proposed and approved each step")
    .action(async (orderText: string) => {
      const consortia = await cli().consortia();
      const o = await consortia.freeze.order(parseId(orderText, "order"));
      const data = {
        orderId: o.orderId.toString(),
        status: o.status,
        kind: KINDS[o.scope.kind],
        asset: o.scope.asset,
        claimContract: o.scope.claimContract,
        target: o.scope.kind === 2 ? `0x${o.scope.id.toString(16).padStart(40, "0")}` : o.scope.id.toString(),
        amount: o.scope.amount === 0n ? "all" : await consortia.token.format(o.scope.amount),
        referenceHash: o.referenceHash,
        authorityHash: o.authorityHash,
        expiry: new Date(o.expiry * 1000).toISOString(),
        path: o.path,
        proposer: o.proposer,
        approver: o.approver,
        releaseProposer: o.releaseProposer,
        releaseApprover: o.releaseApprover,
      };
      cli().out.result(data, () => details(data));
    });
}
