/**
 * `consortia receivable ...`: supply-chain finance with ERC-3525 receivable certificates (register, confirm, split,
 * discount, pledge, guarantee, fund, redeem, lineage).
 */
import type { Command } from "commander";
import type { ContractTransactionReceipt } from "ethers";
import { type Consortia, hashUtf8 } from "@consortia/sdk";
import type { Cli } from "../context.js";
import { readFound } from "../found.js";
import { details, table } from "../output.js";
import {
  type ChainClock,
  formatDate,
  parseCurrency,
  parseDate,
  parseHash,
  parseId,
  parseOptionalHash,
  parseTokenAmount,
} from "../parse.js";
import { accountOf, ensureAllowance, memberIdOf, printed } from "./parties.js";
import { progress } from "./shared.js";

interface TermsOptions {
  obligor: string;
  face: string;
  maturity: string;
  currency: string;
  invoiceKey: string;
  contract: string;
  invoice: string;
  delivery: string;
}

/** `<hash>[@<uri>]`: the document's hash in any form parseHash takes, and where it is kept (only hashed on chain). */
async function parseDocumentHash(value: string, what: string): Promise<{ contentHash: string; uriHash?: string }> {
  const at = value.startsWith("file:") || value.startsWith("json:") ? -1 : value.indexOf("@");
  const contentHash = await parseHash(at < 0 ? value : value.slice(0, at), `${what} hash`);
  if (at < 0) return { contentHash };
  return { contentHash, uriHash: hashUtf8(value.slice(at + 1)) };
}

/** Certificates store their value as uint88 (IReceivableCertificate): a face, split or pledge above it cannot exist. */
const CERTIFICATE_VALUE_BITS = 88;

function termsOptions(command: Command): Command {
  return command
    .requiredOption("--obligor <member>", "the obligor (core enterprise): member id, name or account")
    .requiredOption("--face <amount>", "face value, decimal")
    .requiredOption("--maturity <date>", "maturity date")
    .option("--currency <code>", "ISO 4217 currency", "CNY")
    .requiredOption("--invoice-key <hash>", "keyed hash of the invoice's official number (one live receivable each)")
    .requiredOption("--contract <hash[@uri]>", "hash of the commercial contract")
    .requiredOption("--invoice <hash[@uri]>", "hash of the invoice")
    .requiredOption("--delivery <hash[@uri]>", "hash of the delivery note");
}

async function parseTerms(options: TermsOptions, now: ChainClock) {
  const parsed = {
    maturity: await parseDate(options.maturity, "maturity", now),
    currency: parseCurrency(options.currency),
    invoiceKey: await parseHash(options.invoiceKey, "invoice key"),
    contract: await parseDocumentHash(options.contract, "contract"),
    invoice: await parseDocumentHash(options.invoice, "invoice"),
    delivery: await parseDocumentHash(options.delivery, "delivery note"),
  };
  return async (consortia: Consortia) => ({
    ...parsed,
    obligor: await memberIdOf(consortia, options.obligor),
    faceValue: await parseTokenAmount(consortia, options.face, "--face", { bits: CERTIFICATE_VALUE_BITS }),
  });
}

/** A receivable record for an id that was never registered has status None. */
const exists = (record: { status: string }): boolean => record.status !== "None";

export function register(program: Command, cli: () => Cli): void {
  const receivable = program.command("receivable").description("receivable certificates (supply-chain finance)");
  const signed = () => cli().consortia({ sign: true });
  const format = async (consortia: Consortia, amount: bigint) => consortia.token.format(amount);

  termsOptions(receivable.command("register"))
    .description("register a receivable on its obligor (supplier, RECEIVABLE_HOLDER)")
    .action(async (options: TermsOptions) => {
      const terms = await parseTerms(options, cli().chainTime);
      const consortia = await signed();
      const { receivableId, receipt } = await consortia.receivables.register(
        await terms(consortia),
        progress(cli(), "register receivable"),
      );
      printed(cli(), receipt, { receivableId }, `registered receivable ${receivableId}: awaits the obligor`);
    });
  termsOptions(receivable.command("issue"))
    .requiredOption("--supplier <member>", "the supplier receiving the root certificate (member or account)")
    .description("issue a confirmed receivable straight to a supplier (obligor)")
    .action(async (options: TermsOptions & { supplier: string }) => {
      const terms = await parseTerms(options, cli().chainTime);
      const consortia = await signed();
      const supplier = await accountOf(consortia, options.supplier, "supplier");
      const { receivableId, rootTokenId, receipt } = await consortia.receivables.issue(
        await terms(consortia),
        supplier,
        progress(cli(), "issue receivable"),
      );
      printed(
        cli(),
        receipt,
        { receivableId, rootTokenId },
        `issued receivable ${receivableId}: certificate ${rootTokenId}`,
      );
    });
  receivable
    .command("confirm")
    .argument("<id>", "receivable id")
    .description("confirm a registered receivable (obligor): the root certificate goes to the supplier")
    .action(async (idText: string) => {
      const id = parseId(idText, "receivable id");
      const consortia = await signed();
      const { rootTokenId, receipt } = await consortia.receivables.confirm(id, progress(cli(), `confirm ${id}`));
      printed(
        cli(),
        receipt,
        { receivableId: id, rootTokenId },
        `confirmed receivable ${id}: certificate ${rootTokenId}`,
      );
    });

  /** A step on one id, with an optional reason hash. */
  const step = (
    name: string,
    what: string,
    description: string,
    run: (consortia: Consortia, id: bigint, reason: string, label: string) => Promise<ContractTransactionReceipt>,
    done: string,
    reason = false,
  ) => {
    const argument = { "offer id": "<offer>", "pledge id": "<pledge>", "certificate id": "<token>" }[what] ?? "<id>";
    const command = receivable.command(name).argument(argument, what).description(description);
    if (reason) command.option("--reason <hash>", "hash of the reasons");
    command.action(async (idText: string, options: { reason?: string }) => {
      const id = parseId(idText, what);
      const reasonHash = await parseOptionalHash(options.reason, "reason");
      const consortia = await signed();
      const receipt = await run(consortia, id, reasonHash, `${name} ${id}`);
      printed(cli(), receipt, { id }, `${done} ${id}`);
    });
  };
  step(
    "reject",
    "receivable id",
    "reject a registration (obligor)",
    (c, id, reason, label) => c.receivables.reject(id, reason, progress(cli(), label)),
    "rejected receivable",
    true,
  );
  step(
    "cancel",
    "receivable id",
    "withdraw a registration (supplier)",
    (c, id, _, label) => c.receivables.cancel(id, progress(cli(), label)),
    "cancelled receivable",
  );
  receivable
    .command("request-guarantee")
    .argument("<id>", "receivable id")
    .argument("<bank>", "the bank asked to guarantee (member); 0 withdraws the request")
    .description("ask a bank to guarantee a receivable (obligor): only that bank may then guarantee it")
    .action(async (idText: string, bankText: string) => {
      const id = parseId(idText, "receivable id");
      const consortia = await signed();
      const bank = bankText === "0" ? 0 : await memberIdOf(consortia, bankText);
      const receipt = await consortia.receivables.requestGuarantee(id, bank, progress(cli(), `request ${id}`));
      printed(cli(), receipt, { receivableId: id, bank }, `asked member ${bank} to guarantee receivable ${id}`);
    });
  step(
    "guarantee",
    "receivable id",
    "guarantee a receivable until maturity, at the obligor's request (bank, GUARANTOR)",
    (c, id, _, label) => c.receivables.guarantee(id, progress(cli(), label)),
    "guaranteed receivable",
  );

  receivable
    .command("split")
    .argument("<token>", "certificate id")
    .argument("<to>", "receiver: member id, name or account")
    .argument("<amount>", "value to split off, decimal")
    .option("--sign-off", "let the receiver accept or refuse first (locks the value until then)")
    .option("--deadline <date>", "with --sign-off: the receiver's deadline", "+7d")
    .description("pay a next-tier supplier with part of a certificate (holder)")
    .action(
      async (tokenText: string, to: string, amountText: string, options: { signOff?: boolean; deadline: string }) => {
        const tokenId = parseId(tokenText, "certificate id");
        const deadline = await parseDate(options.deadline, "deadline", cli().chainTime);
        const consortia = await signed();
        const receiver = await accountOf(consortia, to, "receiver");
        const value = await parseTokenAmount(consortia, amountText, "<amount>", { bits: CERTIFICATE_VALUE_BITS });
        if (options.signOff === true) {
          const { offerId, receipt } = await consortia.receivables.offerTransfer(
            tokenId,
            receiver,
            value,
            deadline,
            progress(cli(), `offer ${amountText} of certificate ${tokenId}`),
          );
          printed(
            cli(),
            receipt,
            { offerId, tokenId },
            `offered ${amountText} of certificate ${tokenId}: offer ${offerId}`,
          );
          return;
        }
        const { newTokenId, receipt } = await consortia.receivables.split(
          tokenId,
          receiver,
          value,
          progress(cli(), `split ${amountText} off certificate ${tokenId}`),
        );
        printed(
          cli(),
          receipt,
          { tokenId, newTokenId },
          `split ${amountText} off certificate ${tokenId}: certificate ${newTokenId}`,
        );
      },
    );
  receivable
    .command("accept-transfer")
    .argument("<offer>", "transfer offer id")
    .description("sign off a transfer offered to you (receiver)")
    .action(async (offerText: string) => {
      const offerId = parseId(offerText, "offer id");
      const consortia = await signed();
      const { newTokenId, receipt } = await consortia.receivables.acceptTransfer(
        offerId,
        progress(cli(), `accept ${offerId}`),
      );
      printed(cli(), receipt, { offerId, newTokenId }, `accepted offer ${offerId}: certificate ${newTokenId}`);
    });
  step(
    "refuse-transfer",
    "offer id",
    "refuse a transfer offered to you (receiver)",
    (c, id, reason, label) => c.receivables.refuseTransfer(id, reason, progress(cli(), label)),
    "refused transfer offer",
    true,
  );
  step(
    "cancel-transfer",
    "offer id",
    "cancel a pending transfer offer (holder; anyone after the deadline)",
    (c, id, _, label) => c.receivables.cancelTransfer(id, progress(cli(), label)),
    "cancelled transfer offer",
  );
  receivable
    .command("transfer")
    .argument("<token>", "certificate id")
    .argument("<to>", "receiver: member id, name or account")
    .description("move a whole certificate (holder)")
    .action(async (tokenText: string, to: string) => {
      const tokenId = parseId(tokenText, "certificate id");
      const consortia = await signed();
      const receiver = await accountOf(consortia, to, "receiver");
      const receipt = await consortia.receivables.transferCertificate(
        tokenId,
        receiver,
        progress(cli(), `transfer ${tokenId}`),
      );
      printed(cli(), receipt, { tokenId, to: receiver }, `transferred certificate ${tokenId} to ${receiver}`);
    });

  receivable
    .command("discount")
    .argument("<token>", "certificate id")
    .argument("<amount>", "value offered, decimal")
    .requiredOption("--bank <member>", "the financing bank (FINANCIER)")
    .requiredOption("--price <amount>", "price asked, decimal (at most the value)")
    .option("--deadline <date>", "the bank's deadline", "+7d")
    .description("offer part or all of a certificate to a bank for a price (holder)")
    .action(
      async (tokenText: string, amountText: string, options: { bank: string; price: string; deadline: string }) => {
        const tokenId = parseId(tokenText, "certificate id");
        const deadline = await parseDate(options.deadline, "deadline", cli().chainTime);
        const consortia = await signed();
        const bank = await memberIdOf(consortia, options.bank);
        const [value, price] = await Promise.all([
          parseTokenAmount(consortia, amountText, "<amount>", { bits: CERTIFICATE_VALUE_BITS }),
          parseTokenAmount(consortia, options.price, "--price"),
        ]);
        const { offerId, receipt } = await consortia.receivables.offerDiscount(
          tokenId,
          value,
          bank,
          price,
          deadline,
          progress(cli(), `offer ${amountText} of certificate ${tokenId} for discount`),
        );
        printed(
          cli(),
          receipt,
          { offerId, tokenId },
          `offered ${amountText} for ${options.price}: discount offer ${offerId}`,
        );
      },
    );
  receivable
    .command("discount-accept")
    .argument("<offer>", "discount offer id")
    .option("--reference <hash>", "off-chain payment reference (else DvP in tokens)")
    .description("take a discount offer (bank): pays the price and receives the value in one transaction")
    .action(async (offerText: string, options: { reference?: string }) => {
      const offerId = parseId(offerText, "offer id");
      const reference = await parseOptionalHash(options.reference, "payment reference");
      const consortia = await signed();
      const offer = await consortia.receivables.discountOffer(offerId);
      if (options.reference === undefined)
        await ensureAllowance(cli(), consortia, consortia.receivables.address, offer.price);
      const { newTokenId, receipt } = await consortia.receivables.acceptDiscount(
        offerId,
        reference,
        progress(cli(), `accept discount offer ${offerId}`),
      );
      const price = await format(consortia, offer.price);
      printed(cli(), receipt, { offerId, newTokenId, price }, `paid ${price} for certificate ${newTokenId}`);
    });
  step(
    "discount-cancel",
    "offer id",
    "withdraw a pending discount offer (holder; anyone after the deadline)",
    (c, id, _, label) => c.receivables.cancelDiscount(id, progress(cli(), label)),
    "cancelled discount offer",
  );

  receivable
    .command("pledge")
    .argument("<token>", "certificate id")
    .argument("<amount>", "value pledged, decimal")
    .requiredOption("--bank <member>", "the pledgee bank (FINANCIER)")
    .requiredOption("--due <date>", "from this date the bank may take the value at default")
    .description("pledge part of a certificate to a bank (holder)")
    .action(async (tokenText: string, amountText: string, options: { bank: string; due: string }) => {
      const tokenId = parseId(tokenText, "certificate id");
      const due = await parseDate(options.due, "due date", cli().chainTime);
      const consortia = await signed();
      const bank = await memberIdOf(consortia, options.bank);
      const value = await parseTokenAmount(consortia, amountText, "<amount>", { bits: CERTIFICATE_VALUE_BITS });
      const { pledgeId, receipt } = await consortia.receivables.pledge(
        tokenId,
        value,
        bank,
        due,
        progress(cli(), `pledge ${amountText} of certificate ${tokenId}`),
      );
      printed(
        cli(),
        receipt,
        { pledgeId, tokenId },
        `pledged ${amountText} of certificate ${tokenId}: pledge ${pledgeId}`,
      );
    });
  step(
    "pledge-release",
    "pledge id",
    "release a pledge (pledgee bank)",
    (c, id, _, label) => c.receivables.releasePledge(id, progress(cli(), label)),
    "released pledge",
  );
  receivable
    .command("pledge-take")
    .argument("<pledge>", "pledge id")
    .description("take the pledged value at default, from the due date on (pledgee bank)")
    .action(async (pledgeText: string) => {
      const pledgeId = parseId(pledgeText, "pledge id");
      const consortia = await signed();
      const { newTokenId, receipt } = await consortia.receivables.takePledge(
        pledgeId,
        progress(cli(), `take ${pledgeId}`),
      );
      printed(cli(), receipt, { pledgeId, newTokenId }, `took pledge ${pledgeId}: certificate ${newTokenId}`);
    });

  receivable
    .command("fund")
    .argument("<id>", "receivable id")
    .description("escrow the outstanding value at maturity (obligor; approves the desk as needed)")
    .action(async (idText: string) => {
      const id = parseId(idText, "receivable id");
      const consortia = await signed();
      const { outstanding } = await consortia.receivables.receivable(id);
      await ensureAllowance(cli(), consortia, consortia.receivables.address, outstanding);
      const receipt = await consortia.receivables.fund(id, progress(cli(), `fund receivable ${id}`));
      const amount = await format(consortia, outstanding);
      printed(cli(), receipt, { receivableId: id, amount }, `funded receivable ${id} with ${amount}`);
    });
  receivable
    .command("redeem")
    .argument("<token>", "certificate id")
    .description("redeem a certificate of a funded receivable (holder): burned and paid")
    .action(async (tokenText: string) => {
      const tokenId = parseId(tokenText, "certificate id");
      const consortia = await signed();
      const { value, receipt } = await consortia.receivables.redeem(tokenId, progress(cli(), `redeem ${tokenId}`));
      const amount = await format(consortia, value);
      printed(cli(), receipt, { tokenId, amount }, `redeemed certificate ${tokenId}: ${amount} paid`);
    });
  receivable
    .command("pay-off-chain")
    .argument("<token>", "certificate id")
    .requiredOption("--reference <hash>", "payment reference on the existing rails")
    .description("record that a certificate was paid off chain (the obligor's paying bank, or the called guarantor)")
    .action(async (tokenText: string, options: { reference: string }) => {
      const tokenId = parseId(tokenText, "certificate id");
      const reference = await parseHash(options.reference, "payment reference");
      const consortia = await signed();
      const { value, receipt } = await consortia.receivables.payOffChain(
        tokenId,
        reference,
        progress(cli(), `pay ${tokenId}`),
      );
      const amount = await format(consortia, value);
      printed(cli(), receipt, { tokenId, amount }, `recorded payment of ${amount} for certificate ${tokenId}`);
    });
  receivable
    .command("acknowledge-payment")
    .argument("<token>", "certificate id")
    .requiredOption("--reference <hash>", "payment reference on the existing rails")
    .description("acknowledge the called guarantor paid the certificate off chain (holder), so it may record it")
    .action(async (tokenText: string, options: { reference: string }) => {
      const tokenId = parseId(tokenText, "certificate id");
      const reference = await parseHash(options.reference, "payment reference");
      const consortia = await signed();
      const receipt = await consortia.receivables.acknowledgeOffChainPayment(
        tokenId,
        reference,
        progress(cli(), `acknowledge ${tokenId}`),
      );
      printed(cli(), receipt, { tokenId }, `acknowledged payment ${reference} for certificate ${tokenId}`);
    });
  receivable
    .command("paying-bank")
    .argument("<bank>", "the obligor's paying bank (member)")
    .description("name the bank that pays the signer's receivables off chain (obligor)")
    .action(async (bankText: string) => {
      const consortia = await signed();
      const bank = await memberIdOf(consortia, bankText);
      const receipt = await consortia.receivables.setPayingBank(bank, progress(cli(), "set paying bank"));
      printed(cli(), receipt, { bank }, `member ${bank} pays the signer's receivables off chain`);
    });
  step(
    "overdue",
    "receivable id",
    "mark an unpaid receivable overdue (anyone, a day after maturity)",
    (c, id, _, label) => c.receivables.markOverdue(id, progress(cli(), label)),
    "marked overdue receivable",
  );
  step(
    "call-guarantee",
    "certificate id",
    "call the guarantee of an overdue receivable (holder)",
    (c, id, _, label) => c.receivables.callGuarantee(id, progress(cli(), label)),
    "called the guarantee for certificate",
  );
  receivable
    .command("honour")
    .argument("<id>", "receivable id")
    .description("escrow the outstanding value as guarantor (approves the desk as needed)")
    .action(async (idText: string) => {
      const id = parseId(idText, "receivable id");
      const consortia = await signed();
      const { outstanding } = await consortia.receivables.receivable(id);
      await ensureAllowance(cli(), consortia, consortia.receivables.address, outstanding);
      const receipt = await consortia.receivables.honourGuarantee(id, progress(cli(), `honour ${id}`));
      printed(cli(), receipt, { receivableId: id }, `honoured the guarantee of receivable ${id}`);
    });

  receivable
    .command("show")
    .argument("<id>", "receivable id")
    .description("show a receivable")
    .action(async (idText: string) => {
      const id = parseId(idText, "receivable id");
      const consortia = await cli().consortia();
      const record = await readFound("receivable", id, () => consortia.receivables.receivable(id), exists);
      const data = {
        ...record,
        faceValue: await format(consortia, record.faceValue),
        redeemed: await format(consortia, record.redeemed),
        escrowed: await format(consortia, record.escrowed),
        outstanding: await format(consortia, record.outstanding),
      };
      cli().out.result(data, () => details({ ...data, maturity: formatDate(record.maturity) }));
    });
  receivable
    .command("certificate")
    .argument("<token>", "certificate id")
    .description("show a certificate: holder, value, locked, tier, parent, root")
    .action(async (tokenText: string) => {
      const tokenId = parseId(tokenText, "certificate id");
      const consortia = await cli().consortia();
      const record = await readFound("receivable certificate", tokenId, () =>
        consortia.receivables.certificate(tokenId),
      );
      const data = {
        ...record,
        value: await format(consortia, record.value),
        locked: await format(consortia, record.locked),
        free: await format(consortia, record.free),
      };
      cli().out.result(data, () => details({ ...data, maturity: formatDate(record.maturity) }));
    });
  receivable
    .command("lineage")
    .argument("<id>", "receivable id")
    .description("every certificate of a receivable: the tree of who holds what at which tier")
    .action(async (idText: string) => {
      const id = parseId(idText, "receivable id");
      const consortia = await cli().consortia();
      await readFound("receivable", id, () => consortia.receivables.receivable(id), exists);
      const nodes = await consortia.receivables.lineage(id);
      const rows = await Promise.all(
        nodes.map(async (node) => ({
          ...node,
          value: await format(consortia, node.value),
          locked: await format(consortia, node.locked),
        })),
      );
      cli().out.result(rows, () =>
        rows.length === 0
          ? `receivable ${id} has no certificates`
          : table(
              rows.map((row) => ({ ...row, owner: row.redeemed ? "(redeemed)" : row.owner })),
              ["tokenId", "parent", "tier", "owner", "value", "locked"],
            ),
      );
    });
}
