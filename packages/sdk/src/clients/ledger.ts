/** The shared ledger of off-chain payments recorded by paying banks (one use per reference, suite-wide). */
import { PaymentLedger__factory } from "../typechain/factories/platform/PaymentLedger__factory.js";
import type { PaymentLedger } from "../typechain/platform/PaymentLedger.js";
import { defineClient, type ClientContext } from "./define.js";

export type LedgerClient = ReturnType<typeof createLedgerClient>;

function createLedgerClient(context: ClientContext) {
  const contract: PaymentLedger = context.connect("PaymentLedger", PaymentLedger__factory);
  return {
    contract,
    address: context.address("PaymentLedger"),
    /** Whether a payment reference hash has been recorded (references are usable once). */
    isRecorded: (paymentReference: string) => contract.isRecorded(paymentReference),
  };
}

export default defineClient({
  contracts: { PaymentLedger: PaymentLedger__factory },
  messages: {
    NotSystemContract: (p) => `${p.caller} is not a suite contract: only applications record payments`,
    ReferenceUsed: (p) => `payment reference ${p.paymentReference} was already recorded`,
    EmptyReference: () => "the payment reference is empty",
  },
  create: createLedgerClient,
});
