/**
 * `consortia lc transfer ...` and `consortia lc back-to-back ...`: transferable letters of credit (LcTransfers, UCP 600
 * art. 38) and back-to-back LCs linked to their master.
 */
import type { Command } from "commander";
import type { Cli } from "../context.js";
import { details } from "../output.js";
import { parseCount, parseDate, parseHash, parseId, parseTokenAmount } from "../parse.js";
import { accountOf, ensureAllowance, printed } from "./parties.js";
import { progress } from "./shared.js";

const ZERO_HASH = `0x${"0".repeat(64)}`;

export function registerTransfers(lc: Command, cli: () => Cli): void {
  const transfer = lc
    .command("transfer")
    .description("transferable LCs: transfers to second beneficiaries (UCP 600 art. 38)");

  transfer
    .command("designate")
    .argument("<id>", "letter of credit id")
    .description("designate an open LC transferable (issuing bank, art. 38b)")
    .action(async (idText: string) => {
      const id = parseId(idText, "letter of credit id");
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.lcTransfers.designateTransferable(
        id,
        progress(cli(), `designate letter of credit ${id} transferable`),
      );
      printed(cli(), receipt, { lcId: id, transferable: true }, `letter of credit ${id} is transferable`);
    });

  transfer
    .command("request")
    .argument("<id>", "letter of credit id")
    .argument("<second>", "second beneficiary: member name, id or account")
    .argument("<amount>", "amount transferred, decimal")
    .requiredOption("--expiry <date>", "expiry of the transferred credit (at most the LC's): ISO date or +60d")
    .requiredOption("--latest-shipment <date>", "latest shipment (at most the LC's)")
    .requiredOption("--period <days>", "days after shipment to present (at most the LC's)")
    .requiredOption("--terms <hash>", "hash of the transferred terms (unit price, documents): 0x…, file:<path>")
    .description("request a transfer to a second beneficiary with reduced terms (first beneficiary, art. 38g)")
    .action(
      async (
        idText: string,
        second: string,
        amountText: string,
        options: { expiry: string; latestShipment: string; period: string; terms: string },
      ) => {
        const id = parseId(idText, "letter of credit id");
        const consortia = await cli().consortia({ sign: true });
        const terms = {
          secondBeneficiary: await accountOf(consortia, second, "second beneficiary"),
          amount: await parseTokenAmount(consortia, amountText, "<amount>", { bits: 80 }),
          expiry: await parseDate(options.expiry, "expiry", cli().chainTime),
          latestShipment: await parseDate(options.latestShipment, "latest shipment", cli().chainTime),
          presentationPeriodDays: parseCount(options.period, "presentation period", 365),
          termsHash: await parseHash(options.terms, "transferred terms hash"),
        };
        const { transferId, receipt } = await consortia.lcTransfers.requestTransfer(
          id,
          terms,
          progress(cli(), `request a transfer of letter of credit ${id}`),
        );
        printed(
          cli(),
          receipt,
          { transferId, lcId: id, secondBeneficiary: terms.secondBeneficiary, amount: amountText },
          `requested transfer ${transferId} of ${amountText} to ${terms.secondBeneficiary}`,
        );
      },
    );

  transfer
    .command("execute")
    .argument("<transfer>", "transfer id")
    .description("transfer the credit as requested (transferring bank; refused if the LC was amended since)")
    .action(async (idText: string) => {
      const id = parseId(idText, "transfer id");
      const consortia = await cli().consortia({ sign: true });
      const { transferred, receipt } = await consortia.lcTransfers.executeTransfer(
        id,
        progress(cli(), `execute transfer ${id}`),
      );
      const shown = await consortia.token.format(transferred);
      printed(cli(), receipt, { transferId: id, transferred: shown }, `executed transfer ${id}: ${shown} transferred`);
    });

  transfer
    .command("decline")
    .argument("<transfer>", "transfer id")
    .description("decline a requested transfer (transferring bank, art. 38a)")
    .action(async (idText: string) => {
      const id = parseId(idText, "transfer id");
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.lcTransfers.declineTransfer(id, progress(cli(), `decline transfer ${id}`));
      printed(cli(), receipt, { transferId: id, state: "Declined" }, `declined transfer ${id}`);
    });

  transfer
    .command("present")
    .argument("<transfer>", "transfer id")
    .argument("<amount>", "amount claimed, decimal")
    .requiredOption("--documents <hash>", "hash of the documents presented: 0x…, file:<path>")
    .requiredOption("--shipped <date>", "the shipment date")
    .description("present documents under a transfer to the transferring bank (second beneficiary)")
    .action(async (idText: string, amountText: string, options: { documents: string; shipped: string }) => {
      const id = parseId(idText, "transfer id");
      const consortia = await cli().consortia({ sign: true });
      const amount = await parseTokenAmount(consortia, amountText, "<amount>", { bits: 80 });
      const documents = await parseHash(options.documents, "documents hash");
      const shipped = await parseDate(options.shipped, "shipment date", cli().chainTime);
      const { secondPresentationId, receipt } = await consortia.lcTransfers.presentUnderTransfer(
        id,
        amount,
        documents,
        shipped,
        progress(cli(), `present ${amountText} under transfer ${id}`),
      );
      printed(
        cli(),
        receipt,
        { secondPresentationId, transferId: id, amount: amountText },
        `presented ${amountText} under transfer ${id}: presentation ${secondPresentationId}`,
      );
    });

  transfer
    .command("substitute")
    .argument("<presentation>", "the first beneficiary's presentation under the LC")
    .argument("<second...>", "second beneficiaries' presentation ids it replaces")
    .requiredOption("--invoice <hash>", "hash of the first beneficiary's invoice (and draft): 0x…, file:<path>")
    .description("substitute the first beneficiary's invoice for the second beneficiaries' (art. 38h)")
    .action(async (idText: string, secondTexts: string[], options: { invoice: string }) => {
      const id = parseId(idText, "presentation id");
      const seconds = secondTexts.map((text) => parseId(text, "second presentation id"));
      const invoice = await parseHash(options.invoice, "invoice hash");
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.lcTransfers.substituteInvoice(
        id,
        seconds,
        invoice,
        progress(cli(), `substitute the invoice of presentation ${id}`),
      );
      printed(
        cli(),
        receipt,
        { presentationId: id, secondPresentationIds: seconds, invoiceHash: invoice },
        `presentation ${id} substitutes ${seconds.join(", ")}`,
      );
    });

  transfer
    .command("demand")
    .argument("<second>", "second beneficiary's presentation id")
    .description("demand the first beneficiary's substitution (transferring bank, art. 38i)")
    .action(async (idText: string) => {
      const id = parseId(idText, "second presentation id");
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.lcTransfers.demandSubstitution(id, progress(cli(), `demand substitution ${id}`));
      printed(cli(), receipt, { secondPresentationId: id }, `demanded substitution for presentation ${id}`);
    });

  transfer
    .command("link-received")
    .argument("<presentation>", "presentation under the LC")
    .argument("<second...>", "second beneficiaries' presentation ids")
    .description("link second beneficiaries' documents as received after the substitution period (art. 38i)")
    .action(async (idText: string, secondTexts: string[]) => {
      const id = parseId(idText, "presentation id");
      const seconds = secondTexts.map((text) => parseId(text, "second presentation id"));
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.lcTransfers.linkAsReceived(
        id,
        seconds,
        progress(cli(), `link ${seconds.join(", ")} as received to presentation ${id}`),
      );
      printed(
        cli(),
        receipt,
        { presentationId: id, secondPresentationIds: seconds },
        `linked ${seconds.join(", ")} as received to presentation ${id}`,
      );
    });

  transfer
    .command("pay")
    .argument("<second>", "second beneficiary's presentation id")
    .option("--reference <hash>", "paid off chain under this reference instead of in deposit tokens")
    .description("pay a second beneficiary once the LC paid the linked presentation (transferring bank)")
    .action(async (idText: string, options: { reference?: string }) => {
      const id = parseId(idText, "second presentation id");
      const consortia = await cli().consortia({ sign: true });
      const reference = options.reference === undefined ? undefined : await parseHash(options.reference, "reference");
      if (reference === undefined) {
        const amount = (await consortia.lcTransfers.secondPresentation(id)).amount;
        await ensureAllowance(cli(), consortia, consortia.lcTransfers.address, amount);
      }
      const { amount, receipt } = await consortia.lcTransfers.paySecondBeneficiary(id, reference ?? ZERO_HASH, {
        ...progress(cli(), `pay second beneficiary's presentation ${id}`),
        approve: false,
      });
      const shown = await consortia.token.format(amount);
      printed(cli(), receipt, { secondPresentationId: id, paid: shown }, `paid ${shown} on presentation ${id}`);
    });

  transfer
    .command("show")
    .argument("<transfer>", "transfer id")
    .description("show a transfer: second beneficiary, reduced terms, state, amount presented")
    .action(async (idText: string) => {
      const id = parseId(idText, "transfer id");
      const consortia = await cli().consortia();
      const view = await consortia.lcTransfers.transfer(id);
      const data = {
        ...view,
        amount: await consortia.token.format(view.amount),
        presented: await consortia.token.format(view.presented),
      };
      cli().out.result(data, () => details(data));
    });

  lc.command("back-to-back")
    .argument("<id>", "the back-to-back letter of credit (issued by the caller's bank)")
    .argument("<master>", "its master letter of credit")
    .description("link a back-to-back LC to its master (its issuing bank; its applicant is the master's beneficiary)")
    .action(async (idText: string, masterText: string) => {
      const id = parseId(idText, "letter of credit id");
      const master = parseId(masterText, "master letter of credit id");
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.lcTransfers.linkBackToBack(
        id,
        master,
        progress(cli(), `link letter of credit ${id} to master ${master}`),
      );
      printed(cli(), receipt, { lcId: id, masterLcId: master }, `letter of credit ${id} is back-to-back on ${master}`);
    });
}
