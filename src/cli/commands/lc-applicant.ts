/**
 * `consortia lc margin ...` and `consortia lc documents ...`: the applicant's side of a letter of credit
 * (LcApplicantAccounts): margin, and the release of documents against reimbursement (付款赎单) or on trust receipt.
 */
import type { Command } from "commander";
import { documentsHash } from "@consortia/sdk";
import type { Cli } from "../context.js";
import { UsageError } from "../errors.js";
import { details } from "../output.js";
import { collect, parseCount, parseDocument, parseHash, parseId, parseTokenAmount } from "../parse.js";
import { ensureAllowance, printed } from "./parties.js";
import { progress } from "./shared.js";

export function registerApplicant(lc: Command, cli: () => Cli): void {
  const margin = lc.command("margin").description("margin an applicant locks for an LC (bank practice, not UCP 600)");

  margin
    .command("share")
    .argument("<id>", "letter of credit (or application) id")
    .argument("<bps>", "margin share in basis points (1..10000)")
    .description("set the margin share of an application or open LC before any margin is locked (issuing bank)")
    .action(async (idText: string, bpsText: string) => {
      const id = parseId(idText, "letter of credit id");
      const shareBps = parseCount(bpsText, "margin share", 10_000);
      if (shareBps === 0) throw new UsageError("margin share must be 1..10000 basis points");
      const consortia = await cli().consortia({ sign: true });
      const { required, receipt } = await consortia.lcApplicant.setMarginShare(
        id,
        shareBps,
        progress(cli(), `set margin share of letter of credit ${id}`),
      );
      const shown = await consortia.token.format(required);
      printed(
        cli(),
        receipt,
        { lcId: id, shareBps, required: shown },
        `margin share of letter of credit ${id}: ${shareBps} bps, ${shown} required`,
      );
    });

  margin
    .command("lock")
    .argument("<id>", "letter of credit (or application) id")
    .argument("<amount>", "the margin agreed, decimal: refused unless it is exactly the margin due now")
    .description("lock the margin due in deposit tokens, approving the contract as needed (applicant)")
    .action(async (idText: string, amountText: string) => {
      const id = parseId(idText, "letter of credit id");
      const consortia = await cli().consortia({ sign: true });
      const agreed = await parseTokenAmount(consortia, amountText, "<amount>", { bits: 80 });
      await ensureAllowance(cli(), consortia, consortia.lcApplicant.address, agreed);
      const { locked, receipt } = await consortia.lcApplicant.lockMargin(id, agreed, {
        ...progress(cli(), `lock ${amountText} margin for letter of credit ${id}`),
        approve: false,
      });
      const shown = await consortia.token.format(locked);
      printed(cli(), receipt, { lcId: id, locked: shown }, `locked margin for letter of credit ${id}: ${shown} in all`);
    });

  margin
    .command("release")
    .argument("<id>", "letter of credit id")
    .description(
      "take back the margin left once the LC is closed and every drawing reimbursed, or after reclaimableAt (applicant)",
    )
    .action(async (idText: string) => {
      const id = parseId(idText, "letter of credit id");
      const consortia = await cli().consortia({ sign: true });
      const { amount, receipt } = await consortia.lcApplicant.releaseMargin(
        id,
        progress(cli(), `release margin of letter of credit ${id}`),
      );
      const shown = await consortia.token.format(amount);
      printed(cli(), receipt, { lcId: id, released: shown }, `released ${shown} margin of letter of credit ${id}`);
    });

  margin
    .command("show")
    .argument("<id>", "letter of credit id")
    .description("show an LC's margin: share, required, due, locked, applied, released")
    .action(async (idText: string) => {
      const id = parseId(idText, "letter of credit id");
      const consortia = await cli().consortia();
      const view = await consortia.lcApplicant.margin(id);
      const format = consortia.token.format;
      const data = {
        lcId: id,
        shareBps: view.shareBps,
        required: await format(view.required),
        due: await format(view.due),
        locked: await format(view.locked),
        applied: await format(view.applied),
        released: await format(view.released),
        free: await format(view.free),
        heldDrawn: await format(view.heldDrawn),
        outstanding: view.outstanding,
        reclaimableAt: new Date(Number(view.reclaimableAt) * 1000).toISOString(),
      };
      cli().out.result(data, () => details(data));
    });

  const documents = lc
    .command("documents")
    .description("documents the issuing bank holds for the applicant after honouring (付款赎单)");

  documents
    .command("hold")
    .argument("<presentation>", "presentation id (paid)")
    .option("--document <kind=hash[@uri]>", "a presented document, as presented (repeat)", collect, [])
    .option("--documents-hash <hash>", "the documents' hash instead of the documents")
    .option(
      "--obligation <id>",
      "LC with a nominated bank: the interbank obligation (settled or netted) by which the issuing bank reimbursed it",
    )
    .description("hold a paid presentation's documents for the applicant; applies the free margin (issuing bank)")
    .action(async (idText: string, options: { document: string[]; documentsHash?: string; obligation?: string }) => {
      const id = parseId(idText, "presentation id");
      if ((options.document.length === 0) === (options.documentsHash === undefined)) {
        throw new UsageError("give the presented --document <kind>=<hash> list or --documents-hash, not both");
      }
      const hash =
        options.documentsHash === undefined
          ? documentsHash(await Promise.all(options.document.map(parseDocument)))
          : await parseHash(options.documentsHash, "documents hash");
      const obligationId = options.obligation === undefined ? undefined : parseId(options.obligation, "obligation id");
      const consortia = await cli().consortia({ sign: true });
      const step = progress(cli(), `hold documents of presentation ${id}`);
      const { marginApplied, amountDue, receipt } =
        obligationId === undefined
          ? await consortia.lcApplicant.holdDocuments(id, hash, step)
          : await consortia.lcApplicant.holdDocumentsAfterReimbursement(id, hash, obligationId, step);
      const [applied, due] = await Promise.all([
        consortia.token.format(marginApplied),
        consortia.token.format(amountDue),
      ]);
      printed(
        cli(),
        receipt,
        { presentationId: id, documentsHash: hash, obligationId, marginApplied: applied, amountDue: due },
        `holding documents of presentation ${id}: margin applied ${applied}, ${due} due from the applicant`,
      );
    });

  documents
    .command("pay")
    .argument("<presentation>", "presentation id")
    .argument("<amount>", "the reimbursement agreed, decimal: refused unless it is exactly the amount due")
    .description("pay the reimbursement due and take up the documents, approving as needed (applicant)")
    .action(async (idText: string, amountText: string) => {
      const id = parseId(idText, "presentation id");
      const consortia = await cli().consortia({ sign: true });
      const agreed = await parseTokenAmount(consortia, amountText, "<amount>", { bits: 80, zero: true });
      if (agreed > 0n) await ensureAllowance(cli(), consortia, consortia.lcApplicant.address, agreed);
      const { released, receipt } = await consortia.lcApplicant.payForRelease(id, agreed, {
        ...progress(cli(), `pay ${amountText} for the documents of presentation ${id}`),
        approve: false,
      });
      printed(
        cli(),
        receipt,
        { presentationId: id, paid: amountText, released },
        released
          ? `paid ${amountText}: documents of presentation ${id} released`
          : `paid ${amountText}: presentation ${id} reimbursed (documents released earlier on trust receipt)`,
      );
    });

  documents
    .command("trust-receipt")
    .argument("<presentation>", "presentation id")
    .requiredOption("--undertaking <hash>", "hash of the applicant's trust receipt: 0x…, file:<path> or json:<path>")
    .description("release held documents without payment against a trust receipt; the reimbursement stays due")
    .action(async (idText: string, options: { undertaking: string }) => {
      const id = parseId(idText, "presentation id");
      const undertaking = await parseHash(options.undertaking, "undertaking hash");
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.lcApplicant.releaseOnTrustReceipt(
        id,
        undertaking,
        progress(cli(), `release documents of presentation ${id} on trust receipt`),
      );
      printed(
        cli(),
        receipt,
        { presentationId: id, undertakingHash: undertaking },
        `released documents of presentation ${id} on trust receipt`,
      );
    });

  documents
    .command("account")
    .argument("<presentation>", "presentation id")
    .description("receive the reimbursement due on held documents at the signing account instead (issuing bank)")
    .action(async (idText: string) => {
      const id = parseId(idText, "presentation id");
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.lcApplicant.changeReimbursementAccount(
        id,
        progress(cli(), `receive the reimbursement of presentation ${id} at this account`),
      );
      const account = (await consortia.lcApplicant.documentRelease(id)).bankAccount;
      printed(
        cli(),
        receipt,
        { presentationId: id, bankAccount: account },
        `reimbursement of presentation ${id} now paid to ${account}`,
      );
    });

  documents
    .command("show")
    .argument("<presentation>", "presentation id")
    .description("show the documents held for the applicant: state, margin applied, amount due")
    .action(async (idText: string) => {
      const id = parseId(idText, "presentation id");
      const consortia = await cli().consortia();
      const view = await consortia.lcApplicant.documentRelease(id);
      const data = {
        ...view,
        amountDue: await consortia.token.format(view.amountDue),
        marginApplied: await consortia.token.format(view.marginApplied),
      };
      cli().out.result(data, () => details(data));
    });
}
