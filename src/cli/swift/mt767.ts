/** MT 767 Amendment to a Demand Guarantee/Standby Letter of Credit (Standards MT November 2021 layout): field table. */
import type { FieldSpec, MessageSpec } from "./message.js";

const PARTY = { A: "[/1!a][/34x]\n4!a2!a2!c[3!c]", D: "[/1!a][/34x]\n4*35x" };
const TSRV = "tsrv.004 UndertakingAmendment";

const f =
  (sequence: string) =>
  (
    tag: string,
    presence: "M" | "O",
    name: string,
    format: FieldSpec["format"],
    suite: string,
    iso20022?: string,
    cnaps?: string,
  ): FieldSpec => ({
    tag,
    presence,
    name,
    format,
    sequence,
    suite,
    iso20022: iso20022 === undefined ? undefined : `${TSRV}/${iso20022}`,
    cnaps,
  });
const a = f("A");
const b = f("B");
const c = f("C");

export const MT767: MessageSpec = {
  type: "767",
  title: "Amendment to a Demand Guarantee/Standby Letter of Credit",
  optionalSequences: ["C"],
  fields: [
    a("15A", "M", "New Sequence", "", "sequence A: general information"),
    a("27", "M", "Sequence of Total", "1!n/1!n", "message"),
    a("21", "M", "Related Reference", "16x", "terms (undertaking number)"),
    a("22A", "M", "Purpose of Message", "4!c", "ISCA (amendment of an undertaking)"),
    a("23S", "O", "Cancellation Request", "6!a", "-"),
    a("72Z", "O", "Sender to Receiver Information", "6*35z", "terms"),
    a("23X", "O", "File Identification", "4!c/65x", "terms"),
    b("15B", "M", "New Sequence", "", "sequence B: undertaking details"),
    b("20", "M", "Undertaking Number", "16x", "terms", "UdrtkgId", "保函编号"),
    b("26E", "M", "Number of Amendment", "3n", "chain:amendment number", "AmdmntSeqNb", "修改次数"),
    b("30", "M", "Date of Amendment", "6!n", "date of the export", "DtOfAmdmnt", "修改日期"),
    b("52a", "M", "Issuer", PARTY, "chain:guarantor (member name)", "Issr", "开立行"),
    b(
      "32B",
      "O",
      "Increase of Undertaking Amount",
      "3!a15d",
      "chain:amount (amended minus previous)",
      "IncrAmt",
      "增额",
    ),
    b(
      "33B",
      "O",
      "Decrease of Undertaking Amount",
      "3!a15d",
      "chain:amount (previous minus amended)",
      "DcrAmt",
      "减额",
    ),
    b("23B", "O", "Expiry Type", "4!c", "FIXD when the expiry changes"),
    b("31E", "O", "Date of Expiry", "6!n", "chain:expiry (amended)", "NewExpryDtls/Dt", "失效日期"),
    b("35G", "O", "Expiry Condition/Event", "12*65z", "terms"),
    b("59a", "O", "Beneficiary", { "": "[/34x]\n4*35x", A: "[/34x]\n4!a2!a2!c[3!c]" }, "terms"),
    b(
      "77U",
      "O",
      "Other Amendments to Undertaking",
      "150*65z",
      "terms (amendment text; its hash is the amendment hash)",
      "OthrAmdmnts",
    ),
    b("24E", "O", "Delivery of Amendment To Undertaking", "4!c[/35x]", "terms"),
    b("24G", "O", "Delivery To/Collection By", "4!c\n[6*35x]", "terms"),
    c("15C", "M", "New Sequence", "", "sequence C: local undertaking (not used)"),
    c("32B", "O", "Increase of Local Undertaking Amount", "3!a15d", "-"),
    c("33B", "O", "Decrease of Local Undertaking Amount", "3!a15d", "-"),
    c("23B", "O", "Expiry Type", "4!c", "-"),
    c("31E", "O", "Date of Expiry", "6!n", "-"),
    c("35G", "O", "Expiry Condition/Event", "12*65z", "-"),
    c("59", "O", "Beneficiary", "[/34x]\n4*35x", "-"),
    c("77L", "O", "Other Amendments to Local Undertaking", "150*65z", "-"),
    c("24E", "O", "Delivery of Amendment To Local Undertaking", "4!c[/35x]", "-"),
    c("24G", "O", "Delivery To/Collection By", "4!c\n[6*35x]", "-"),
  ],
};
