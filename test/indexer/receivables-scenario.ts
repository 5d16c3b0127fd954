import { writeFileSync } from "node:fs";
import { keccak256, toUtf8Bytes, ZeroAddress, type ContractTransactionResponse, type JsonRpcSigner } from "ethers";
import {
  FinancedDocuments__factory,
  IssuanceLimits__factory,
  ReceivableCertificate__factory,
  ReceivableDesk__factory,
  type FinancedDocuments,
  type IssuanceLimits,
  type IReceivableDesk,
  type ReceivableCertificate,
  type ReceivableDesk,
} from "@consortia/sdk/typechain";
import { rpc } from "../helpers/node-process.js";
import { passProposal, type TestChain } from "./chain.js";
import { deployProxy } from "../helpers/upgradeable.js";

export const DAY = 86_400;
const CNY = "0x434e59";
const hash = (label: string) => keccak256(toUtf8Bytes(label));
const ZERO = `0x${"0".repeat(64)}`;

export interface ReceivablesChain extends TestChain {
  desk: ReceivableDesk;
  certificates: ReceivableCertificate;
  documents: FinancedDocuments;
  limits: IssuanceLimits;
}

async function send(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  return receipt!.blockNumber;
}

/** Moves the node's clock forward (the next block carries the new time). */
export async function advance(chain: TestChain, seconds: number): Promise<void> {
  await rpc(chain.url, "evm_increaseTime", [seconds]);
  await rpc(chain.url, "evm_mine");
}

async function latest(chain: TestChain): Promise<number> {
  return (await chain.provider.getBlock("latest"))!.timestamp;
}

/**
 * Deploys the certificate token and the desk on a started test chain, registers the desk as a system contract (a
 * governance proposal: bootstrap has ended) and adds both to the deployments file the indexer reads.
 */
export async function deployReceivables(chain: TestChain): Promise<ReceivablesChain> {
  const certificates = await deployProxy(
    await new ReceivableCertificate__factory(chain.deployer).deploy(chain.registry, 2, chain.freezeOrders, ZeroAddress),
    [],
    chain.deployer,
  );
  await certificates.waitForDeployment();
  const documents = await deployProxy(
    await new FinancedDocuments__factory(chain.deployer).deploy(chain.registry),
    [],
    chain.deployer,
  );
  await documents.waitForDeployment();
  const limits = await deployProxy(
    await new IssuanceLimits__factory(chain.deployer).deploy(chain.registry),
    [],
    chain.deployer,
  );
  await limits.waitForDeployment();
  const desk = await deployProxy(
    await new ReceivableDesk__factory(chain.deployer).deploy(
      chain.registry,
      chain.token,
      chain.ledger,
      certificates,
      documents,
      limits,
    ),
    [],
    chain.deployer,
  );
  await desk.waitForDeployment();
  await send(certificates.bindDesk(desk));
  const registry = await chain.registry.getAddress();
  await passProposal(
    chain,
    registry,
    chain.registry.interface.encodeFunctionData("setSystemContract", [await desk.getAddress(), true]),
    "desk",
  );
  const block = (await certificates.deploymentTransaction()!.wait())!.blockNumber;
  chain.deployments.contracts.ReceivableCertificate = { address: await certificates.getAddress(), block };
  chain.deployments.contracts.ReceivableDesk = { address: await desk.getAddress(), block };
  chain.deployments.contracts.FinancedDocuments = { address: await documents.getAddress(), block };
  chain.deployments.contracts.IssuanceLimits = { address: await limits.getAddress(), block };
  writeFileSync(chain.deploymentsPath, JSON.stringify(chain.deployments, null, 2));
  return Object.assign(chain, { desk, certificates, documents, limits });
}

let invoices = 0;

/** Complete terms against the core enterprise with a fresh invoice. */
export async function terms(
  chain: ReceivablesChain,
  faceValue: bigint,
  maturityInDays: number,
): Promise<IReceivableDesk.ReceivableTermsStruct> {
  const n = ++invoices;
  return {
    obligor: chain.ids.core,
    maturity: (await latest(chain)) + maturityInDays * DAY,
    faceValue,
    currency: CNY,
    invoiceKey: hash(`indexer invoice ${n} ${Date.now()}`),
    contractDoc: { contentHash: hash(`contract ${n}`), uriHash: hash(`uri contract ${n}`), kind: 1 },
    invoiceDoc: { contentHash: hash(`invoice ${n}`), uriHash: hash(`uri invoice ${n}`), kind: 2 },
    deliveryDoc: { contentHash: hash(`delivery ${n}`), uriHash: ZERO, kind: 3 },
  };
}

/** Registers (as `creditor`) and confirms (as core) a receivable; returns its id and root certificate. */
export async function confirmed(
  chain: ReceivablesChain,
  creditor: JsonRpcSigner,
  faceValue: bigint,
  maturityInDays: number,
): Promise<{ receivableId: bigint; root: bigint }> {
  const t = await terms(chain, faceValue, maturityInDays);
  const receivableId = await chain.desk.connect(creditor).register.staticCall(t);
  await send(chain.desk.connect(creditor).register(t));
  const root = await chain.desk.connect(chain.accounts.core).confirm.staticCall(receivableId);
  await send(chain.desk.connect(chain.accounts.core).confirm(receivableId));
  return { receivableId, root };
}

/** Splits `value` of a certificate into a new certificate of `to` (ERC-3525 transferFrom); returns its id. */
export async function split(
  chain: ReceivablesChain,
  signer: JsonRpcSigner,
  tokenId: bigint,
  to: string,
  value: bigint,
): Promise<bigint> {
  const c = chain.certificates.connect(signer);
  const id = await c["transferFrom(uint256,address,uint256)"].staticCall(tokenId, to, value);
  await send(c["transferFrom(uint256,address,uint256)"](tokenId, to, value));
  return id;
}

export interface ReceivablesScenario {
  /** The financed receivable: split, discounted, pledged, funded and partly redeemed. */
  r1: bigint;
  /** Issued directly, paid off chain by the paying bank: Settled. */
  r2: bigint;
  r3Rejected: bigint;
  r4Cancelled: bigint;
  /** Guaranteed, overdue, guarantee called and honoured, redeemed: Settled. */
  r5: bigint;
  tokens: Record<"t1" | "t2" | "t3" | "t4" | "t5" | "r2root" | "r5root", bigint>;
  /** Last block before the discount of r1 (for asOf reads). */
  beforeDiscount: number;
  /** Block of the r1 funding. */
  fundedBlock: number;
  offchainReference: string;
}

/**
 * Every event family of the desk and the certificate: registration, confirmation, direct issue, rejection,
 * cancellation, guarantee, sign-off transfers (accepted, refused, cancelled), direct splits and value transfers,
 * discounts (bought with tokens, cancelled), pledges (released, taken), whole-certificate transfer, overdue, guarantee
 * call and honour, funding, redemption from escrow and off-chain payment.
 */
export async function receivablesScenario(chain: ReceivablesChain): Promise<ReceivablesScenario> {
  const { desk, certificates, token, accounts: a, ids } = chain;
  const deskAddress = await desk.getAddress();
  const inDays = async (d: number) => (await latest(chain)) + d * DAY;

  // r1: supplier1 → confirmed by core, guaranteed by bankA.
  const { receivableId: r1, root: t1 } = await confirmed(chain, a.supplier1, 1_000_000n, 90);
  await send(desk.connect(a.core).requestGuarantee(r1, ids.bankA));
  await send(desk.connect(a.bankA).guarantee(r1));

  // r2: issued directly to supplier2; core names bankA its paying bank.
  const t2terms = await terms(chain, 500_000n, 30);
  const [r2, r2root] = await desk.connect(a.core).issue.staticCall(t2terms, a.supplier2.address);
  await send(desk.connect(a.core).issue(t2terms, a.supplier2.address));
  await send(desk.connect(a.core).setPayingBank(ids.bankA));

  // r3 rejected, r4 cancelled.
  const t3terms = await terms(chain, 10_000n, 60);
  const r3Rejected = await desk.connect(a.supplier1).register.staticCall(t3terms);
  await send(desk.connect(a.supplier1).register(t3terms));
  await send(desk.connect(a.core).reject(r3Rejected, hash("duplicate delivery")));
  const t4terms = await terms(chain, 20_000n, 60);
  const r4Cancelled = await desk.connect(a.supplier2).register.staticCall(t4terms);
  await send(desk.connect(a.supplier2).register(t4terms));
  await send(desk.connect(a.supplier2).cancel(r4Cancelled));

  // r5: supplier3, 20 days, guaranteed by bankC.
  const { receivableId: r5, root: r5root } = await confirmed(chain, a.supplier3, 400_000n, 20);
  await send(desk.connect(a.core).requestGuarantee(r5, ids.bankC));
  await send(desk.connect(a.bankC).guarantee(r5));

  // Sign-off transfers of r1: accepted (t2 for supplier2), refused, cancelled.
  const offer1 = await desk
    .connect(a.supplier1)
    .offerTransfer.staticCall(t1, a.supplier2.address, 300_000n, await inDays(5));
  await send(desk.connect(a.supplier1).offerTransfer(t1, a.supplier2.address, 300_000n, await inDays(5)));
  const t2 = await desk.connect(a.supplier2).acceptTransfer.staticCall(offer1);
  await send(desk.connect(a.supplier2).acceptTransfer(offer1));
  const offer2 = await desk.connect(a.supplier1).offerTransfer.staticCall(t1, a.core.address, 50_000n, await inDays(5));
  await send(desk.connect(a.supplier1).offerTransfer(t1, a.core.address, 50_000n, await inDays(5)));
  await send(desk.connect(a.core).refuseTransfer(offer2, hash("not ours")));
  const offer3 = await desk.connect(a.supplier1).offerTransfer.staticCall(t1, a.core.address, 40_000n, await inDays(5));
  await send(desk.connect(a.supplier1).offerTransfer(t1, a.core.address, 40_000n, await inDays(5)));
  await send(desk.connect(a.supplier1).cancelTransfer(offer3));

  // supplier2 splits t2 directly to supplier3 (tier 3); supplier1 moves value from t1 into t2.
  const t3 = await split(chain, a.supplier2, t2, a.supplier3.address, 100_000n);
  await send(certificates.connect(a.supplier1)["transferFrom(uint256,uint256,uint256)"](t1, t2, 10_000n));

  // Discount: supplier1 sells 200,000 of t1 to bankB for 190,000 tokens (t4); supplier2's offer to bankC cancelled.
  const beforeDiscount = Number(await rpc<string>(chain.url, "eth_blockNumber"));
  const d1 = await desk
    .connect(a.supplier1)
    .offerDiscount.staticCall(t1, 200_000n, ids.bankB, 190_000n, await inDays(5));
  await send(desk.connect(a.supplier1).offerDiscount(t1, 200_000n, ids.bankB, 190_000n, await inDays(5)));
  await send(token.connect(a.bankB).mint(a.bankB.address, 190_000n));
  await send(token.connect(a.bankB).approve(deskAddress, 190_000n));
  const t4 = await desk.connect(a.bankB).acceptDiscount.staticCall(d1, ZERO);
  await send(desk.connect(a.bankB).acceptDiscount(d1, ZERO));
  const d2 = await desk.connect(a.supplier2).offerDiscount.staticCall(t2, 50_000n, ids.bankC, 45_000n, await inDays(5));
  await send(desk.connect(a.supplier2).offerDiscount(t2, 50_000n, ids.bankC, 45_000n, await inDays(5)));
  await send(desk.connect(a.supplier2).cancelDiscount(d2));

  // Pledges: supplier2 pledges t2 to bankA (released); supplier3 pledges t3 to bankC (taken at default: t5).
  const p1 = await desk.connect(a.supplier2).pledge.staticCall(t2, 100_000n, ids.bankA, await inDays(10));
  await send(desk.connect(a.supplier2).pledge(t2, 100_000n, ids.bankA, await inDays(10)));
  await send(desk.connect(a.bankA).releasePledge(p1));
  const p2 = await desk.connect(a.supplier3).pledge.staticCall(t3, 50_000n, ids.bankC, await inDays(5));
  await send(desk.connect(a.supplier3).pledge(t3, 50_000n, ids.bankC, await inDays(5)));
  await advance(chain, 6 * DAY);
  const t5 = await desk.connect(a.bankC).takePledge.staticCall(p2);
  await send(desk.connect(a.bankC).takePledge(p2));

  // supplier3 hands the rest of t3 to core (whole-certificate ERC-721 transfer).
  await send(
    certificates.connect(a.supplier3)["transferFrom(address,address,uint256)"](a.supplier3.address, a.core.address, t3),
  );

  // r5 goes overdue (day 22 > maturity 20 + 1 day grace); supplier3 calls the guarantee; bankC honours; redeemed.
  await advance(chain, 16 * DAY);
  await send(desk.connect(a.supplier1).markOverdue(r5));
  await send(desk.connect(a.supplier3).callGuarantee(r5root));
  await send(token.connect(a.bankA).mint(a.bankC.address, 400_000n));
  await send(token.connect(a.bankC).approve(deskAddress, 400_000n));
  await send(desk.connect(a.bankC).honourGuarantee(r5));
  await send(desk.connect(a.supplier3).redeem(r5root));

  // r2 matures (day 31): bankA pays supplier2 off chain.
  await advance(chain, 9 * DAY);
  const offchainReference = hash("MT103 r2");
  await send(desk.connect(a.bankA).payOffChain(r2root, offchainReference));

  // r1 matures (day 91): core funds it; supplier1 and bankB redeem, the rest stay outstanding.
  await advance(chain, 60 * DAY);
  await send(token.connect(a.bankA).mint(a.core.address, 1_000_000n));
  await send(token.connect(a.core).approve(deskAddress, 1_000_000n));
  const fundedBlock = await send(desk.connect(a.core).fund(r1));
  await send(desk.connect(a.supplier1).redeem(t1));
  await send(desk.connect(a.bankB).redeem(t4));

  return {
    r1,
    r2,
    r3Rejected,
    r4Cancelled,
    r5,
    tokens: { t1, t2, t3, t4, t5, r2root, r5root },
    beforeDiscount,
    fundedBlock,
    offchainReference,
  };
}

/**
 * A receivable split into `count` certificates (the root plus `count - 1` splits, several tiers deep): supplier1's
 * root is split to supplier2 and bankB, who keep splitting their own certificates among the three (members the
 * platform scenario leaves active).
 */
export async function splitTree(chain: ReceivablesChain, count: number): Promise<bigint> {
  const { receivableId, root } = await confirmed(chain, chain.accounts.supplier1, BigInt(count) * 1_000_000n, 365);
  const holders = [chain.accounts.supplier1, chain.accounts.supplier2, chain.accounts.bankB];
  const owned: { id: bigint; owner: number; value: bigint }[] = [
    { id: root, owner: 0, value: BigInt(count) * 1_000_000n },
  ];
  let next = (await chain.certificates.totalMinted()) + 1n; // nobody else mints meanwhile: ids are predictable
  for (let i = 1; i < count; i++) {
    // Split from the largest certificate: a bushy tree several tiers deep.
    const from = owned.reduce((best, c) => (c.value > best.value ? c : best), owned[0]);
    const to = (from.owner + 1 + (i % 2)) % 3;
    const value = from.value / 3n;
    await send(
      chain.certificates
        .connect(holders[from.owner])
        ["transferFrom(uint256,address,uint256)"](from.id, holders[to].address, value),
    );
    from.value -= value;
    owned.push({ id: next++, owner: to, value });
  }
  return receivableId;
}
