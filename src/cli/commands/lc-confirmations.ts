/**
 * `consortia lc confirmation ...`: confirmation of a letter of credit by its nominated bank upon the issuing bank's
 * authorization or request (LcConfirmations, UCP 600 art. 8), and the confirming bank's consent to amendments (art. 10).
 */
import type { Command } from "commander";
import type { Cli } from "../context.js";
import { details } from "../output.js";
import { formatDate, parseHash, parseId } from "../parse.js";
import { memberIdOf, printed } from "./parties.js";
import { progress } from "./shared.js";

export function registerConfirmations(lc: Command, cli: () => Cli): void {
  const confirmation = lc
    .command("confirmation")
    .description("confirmation by the nominated bank upon the issuing bank's authorization (UCP 600 art. 8, 10)");

  confirmation
    .command("authorize")
    .argument("<id>", "letter of credit id")
    .requiredOption("--bank <member>", "the bank asked to confirm: the LC's nominated bank (member or account)")
    .option("--request", "request confirmation (MT700 field 49 CONFIRM) rather than authorise it (MAY ADD)")
    .description("authorise or request the nominated bank to confirm the LC at its current terms (issuing bank)")
    .action(async (idText: string, options: { bank: string; request?: boolean }) => {
      const id = parseId(idText, "letter of credit id");
      const consortia = await cli().consortia({ sign: true });
      const bank = await memberIdOf(consortia, options.bank);
      const requested = options.request === true;
      const { termsDigest, receipt } = await consortia.lcConfirmations.authorize(
        id,
        bank,
        requested,
        progress(cli(), `authorise member ${bank} to confirm letter of credit ${id}`),
      );
      printed(
        cli(),
        receipt,
        { lcId: id, confirmingBank: bank, requested, termsDigest },
        `${requested ? "requested" : "authorised"} member ${bank} to confirm letter of credit ${id}`,
      );
    });

  confirmation
    .command("withdraw")
    .argument("<id>", "letter of credit id")
    .description("withdraw a pending authorization to confirm (issuing bank)")
    .action(async (idText: string) => {
      const id = parseId(idText, "letter of credit id");
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.lcConfirmations.withdrawAuthorization(
        id,
        progress(cli(), `withdraw the authorization to confirm letter of credit ${id}`),
      );
      printed(cli(), receipt, { lcId: id }, `authorization to confirm letter of credit ${id} withdrawn`);
    });

  confirmation
    .command("decline")
    .argument("<id>", "letter of credit id")
    .requiredOption("--notice <hash>", "hash of the notice to the issuing bank: 0x…, file:<path> or json:<path>")
    .description("decline to confirm (art. 8d) and tell the issuing bank (bank authorised)")
    .action(async (idText: string, options: { notice: string }) => {
      const id = parseId(idText, "letter of credit id");
      const notice = await parseHash(options.notice, "notice hash");
      const consortia = await cli().consortia({ sign: true });
      const receipt = await consortia.lcConfirmations.declineToConfirm(
        id,
        notice,
        progress(cli(), `decline to confirm letter of credit ${id}`),
      );
      printed(cli(), receipt, { lcId: id, noticeHash: notice }, `declined to confirm letter of credit ${id}`);
    });

  /** The LC's terms read now, with the terms hash the bank examined (the contract refuses any other). */
  async function examined(id: bigint, termsHash: string) {
    const consortia = await cli().consortia({ sign: true });
    const now = (await consortia.lcConfirmations.confirmation(id)).currentTerms;
    return { consortia, terms: { ...now, termsHash } };
  }

  confirmation
    .command("add")
    .argument("<id>", "letter of credit id")
    .requiredOption("--terms-hash <hash>", "hash of the full terms the bank examined (must be the LC's now)")
    .description("add the confirmation: bound to the LC's current terms from now, irrevocably (art. 8b)")
    .action(async (idText: string, options: { termsHash: string }) => {
      const id = parseId(idText, "letter of credit id");
      const { consortia, terms } = await examined(id, await parseHash(options.termsHash, "terms hash"));
      const { receipt } = await consortia.lcConfirmations.confirm(
        id,
        terms,
        progress(cli(), `confirm letter of credit ${id}`),
      );
      const amount = await consortia.token.format(terms.amount);
      printed(
        cli(),
        receipt,
        { lcId: id, amount, tolerancePlus: terms.tolerancePlus, expiry: terms.expiry, termsHash: terms.termsHash },
        `confirmed letter of credit ${id}: ${amount} +${terms.tolerancePlus}%, expiry ${formatDate(terms.expiry)}`,
      );
    });

  confirmation
    .command("extend")
    .argument("<id>", "letter of credit id")
    .requiredOption("--terms-hash <hash>", "hash of the amended full terms the bank agrees to (the LC's now)")
    .description("extend the confirmation to the LC as amended: bound to the new terms from now (art. 10b)")
    .action(async (idText: string, options: { termsHash: string }) => {
      const id = parseId(idText, "letter of credit id");
      const { consortia, terms } = await examined(id, await parseHash(options.termsHash, "terms hash"));
      const { amendmentsExtended, receipt } = await consortia.lcConfirmations.extend(
        id,
        terms,
        progress(cli(), `extend the confirmation of letter of credit ${id}`),
      );
      printed(
        cli(),
        receipt,
        { lcId: id, amendmentsExtended, termsHash: terms.termsHash },
        `confirmation of letter of credit ${id} extended to its amended terms`,
      );
    });

  confirmation
    .command("decline-amendment")
    .argument("<id>", "letter of credit id")
    .requiredOption("--terms-hash <hash>", "hash of the amended full terms not confirmed (the LC's now)")
    .requiredOption("--notice <hash>", "hash of the notice to the issuing bank and the beneficiary")
    .description("record that the confirmation does not extend to the amendment (art. 10b); stays at its terms")
    .action(async (idText: string, options: { termsHash: string; notice: string }) => {
      const id = parseId(idText, "letter of credit id");
      const notice = await parseHash(options.notice, "notice hash");
      const { consortia, terms } = await examined(id, await parseHash(options.termsHash, "terms hash"));
      const { receipt } = await consortia.lcConfirmations.declineAmendment(
        id,
        notice,
        terms,
        progress(cli(), `decline to extend the confirmation of letter of credit ${id}`),
      );
      printed(
        cli(),
        receipt,
        { lcId: id, termsHash: terms.termsHash, noticeHash: notice },
        `confirmation of letter of credit ${id} not extended to its amended terms`,
      );
    });

  confirmation
    .command("show")
    .argument("<id>", "letter of credit id")
    .description("show the confirmation: the terms the confirming bank is bound to beside the LC's current terms")
    .action(async (idText: string) => {
      const id = parseId(idText, "letter of credit id");
      const consortia = await cli().consortia();
      const view = await consortia.lcConfirmations.confirmation(id);
      const format = consortia.token.format;
      const terms = async (t: typeof view.currentTerms | null) =>
        t === null
          ? null
          : {
              ...t,
              amount: await format(t.amount),
              expiry: formatDate(t.expiry),
              latestShipment: formatDate(t.latestShipment),
            };
      const data = {
        lcId: id,
        confirmingBank: view.confirmingBank,
        confirmedAt: formatDate(view.confirmedAt),
        amendmentsExtended: view.amendmentsExtended,
        upToDate: view.upToDate,
        bound: view.bound,
        confirmedMaximum: await format(view.confirmedMaximum),
        currentMaximum: await format(view.currentMaximum),
        drawn: await format(view.drawn),
        outstanding: await format(view.outstanding),
        confirmedTerms: await terms(view.confirmedTerms),
        currentTerms: await terms(view.currentTerms),
        authorization: view.authorization,
        declinedDigest: view.declinedDigest,
      };
      cli().out.result(data, () => details(data));
    });
}
