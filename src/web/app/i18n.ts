/**
 * The console's words in English and Simplified Chinese: one typed dictionary per language. `zh` must have every key
 * of `en` (the type says so, and app/i18n.test.ts checks that no entry is empty and that both use the same
 * placeholders). `{name}` placeholders are filled by `translate`.
 */
import { createContext, useContext } from "react";

export const en = {
  "app.title": "Consortia console",
  "app.skip": "Skip to content",
  "nav.main": "Main",
  "nav.queue": "Work queue",
  "nav.guarantee": "Verify a guarantee",
  "nav.certificate": "Verify an e-certificate",
  "nav.signIn": "Sign in",
  "lang.label": "Language",
  "home.title": "The consortium's work, signed with your own wallet",
  "home.intro":
    "Sign in with your member account's wallet to see what waits for you. Anyone may verify a guarantee or an e-certificate without a wallet.",
  "home.status": "Indexed block {block} ({date})",
  "wallet.signIn": "Sign in",
  "wallet.signOut": "Sign out",
  "wallet.browser": "Browser wallet (MetaMask or an institutional wallet)",
  "wallet.browserConnect": "Connect the browser wallet",
  "wallet.noBrowser": "No EIP-1193 wallet was found in this browser.",
  "wallet.demo": "Demo wallet — local demo chain only",
  "wallet.demoWarning":
    "The demo members' keys are the public Hardhat test keys. Never use them on a real network: the demo wallet refuses any chain but the local demo chain ({chainId}).",
  "wallet.demoMember": "Demo member",
  "wallet.demoUse": "Sign in as this demo member",
  "wallet.wrongChain": "The wallet is on chain {actual}, the consortium on chain {expected}.",
  "wallet.demoRefused": "The demo wallet only works on the local demo chain {expected}; this chain is {actual}.",
  "wallet.signedInAs": "Signed in as {name} (member {id})",
  "wallet.notMember": "Account {account} is not an account of any member.",
  "wallet.demoBadge": "DEMO WALLET",
  "wallet.connecting": "Connecting…",
  "queue.title": "Work queue",
  "queue.intro": "What waits for {name}, earliest deadline first.",
  "queue.signInFirst": "Sign in to see your work queue.",
  "queue.empty": "Nothing waits for you.",
  "queue.loading": "Loading…",
  "queue.refresh": "Refresh",
  "queue.kind": "Kind",
  "queue.subject": "What",
  "queue.deadline": "Deadline",
  "queue.action": "Action",
  "queue.noDeadline": "none",
  "queue.kind.receivable": "Receivable to confirm",
  "queue.kind.lc": "Letter of credit to advise",
  "queue.kind.guarantee": "Guarantee application to decide",
  "queue.kind.grant": "Data access request to decide",
  "queue.kind.proposal": "Proposal to vote on",
  "queue.subject.receivable": "Receivable #{id} from {creditor}: {amount}",
  "queue.subject.lc": "Letter of credit #{id} of {issuer}: {amount}",
  "queue.subject.guarantee": "Guarantee #{id} for {applicant}: {amount}",
  "queue.subject.grant": "Request #{id} of {grantee} for dataset #{dataset}",
  "queue.subject.proposal": "Proposal #{id}: {call} ({approvals} approvals)",
  "action.confirm": "Confirm",
  "action.advise": "Advise",
  "action.issue": "Issue",
  "action.grant": "Grant",
  "action.vote": "Vote for",
  "tx.pending": "Pending: {hash}",
  "tx.signing": "Waiting for the wallet's signature…",
  "tx.mined": "Mined in block {block}",
  "tx.failed": "Failed: {message}",
  "guarantee.title": "Verify a guarantee",
  "guarantee.intro": "Enter the guarantee's reference (0x followed by 64 hexadecimal digits) as printed on it.",
  "guarantee.reference": "Reference",
  "guarantee.verify": "Verify",
  "guarantee.genuine": "Genuine: issued by {guarantor}",
  "guarantee.notFound": "No bank issued a guarantee with this reference.",
  "guarantee.badReference": "A reference is 0x followed by 64 hexadecimal digits.",
  "guarantee.state": "State",
  "guarantee.inForce": "In force",
  "guarantee.amount": "Amount after reductions",
  "guarantee.available": "Available to claim",
  "guarantee.expiry": "Expires",
  "guarantee.yes": "yes",
  "guarantee.no": "no",
  "certificate.title": "Verify an e-certificate",
  "certificate.intro":
    "Enter the certificate's number and drop its file: the file is hashed in this browser and never leaves the machine.",
  "certificate.id": "Certificate number",
  "certificate.file": "Certificate file",
  "certificate.drop": "Drop the file here, or choose it",
  "certificate.hash": "Hash of the file (keccak-256)",
  "certificate.verify": "Verify",
  "certificate.match": "The file is the document of certificate #{id}.",
  "certificate.mismatch": "The file is NOT the document of certificate #{id}.",
  "certificate.validity": "Validity",
  "certificate.latest": "Latest certificate of its lineage",
  "certificate.onChain": "Checked on chain",
  "certificate.notFound": "No certificate #{id}.",
  "certificate.validUntil": "Valid until",
  "common.error": "Error: {message}",
  "common.member": "member {id}",
  "common.openIssue": "Not found",
} as const;

export type MessageKey = keyof typeof en;
export type Dictionary = { readonly [K in MessageKey]: string };

export const zh: Dictionary = {
  "app.title": "Consortia 联盟链控制台",
  "app.skip": "跳到正文",
  "nav.main": "主菜单",
  "nav.queue": "待办事项",
  "nav.guarantee": "核验保函",
  "nav.certificate": "核验电子证照",
  "nav.signIn": "登录",
  "lang.label": "语言",
  "home.title": "联盟的业务，用您自己的钱包签名",
  "home.intro": "用您成员账户的钱包登录，查看等待您处理的事项。任何人无需钱包即可核验保函或电子证照。",
  "home.status": "已索引区块 {block}（{date}）",
  "wallet.signIn": "登录",
  "wallet.signOut": "退出",
  "wallet.browser": "浏览器钱包（MetaMask 或机构钱包）",
  "wallet.browserConnect": "连接浏览器钱包",
  "wallet.noBrowser": "此浏览器中未找到 EIP-1193 钱包。",
  "wallet.demo": "演示钱包——仅限本地演示链",
  "wallet.demoWarning":
    "演示成员的密钥是公开的 Hardhat 测试密钥，切勿在真实网络中使用：演示钱包只接受本地演示链（{chainId}）。",
  "wallet.demoMember": "演示成员",
  "wallet.demoUse": "以该演示成员登录",
  "wallet.wrongChain": "钱包在链 {actual} 上，联盟链为 {expected}。",
  "wallet.demoRefused": "演示钱包只能用于本地演示链 {expected}；当前链为 {actual}。",
  "wallet.signedInAs": "已登录：{name}（成员 {id}）",
  "wallet.notMember": "账户 {account} 不属于任何成员。",
  "wallet.demoBadge": "演示钱包",
  "wallet.connecting": "连接中…",
  "queue.title": "待办事项",
  "queue.intro": "等待 {name} 处理的事项，截止时间最早的在前。",
  "queue.signInFirst": "请先登录以查看待办事项。",
  "queue.empty": "没有等待您处理的事项。",
  "queue.loading": "加载中…",
  "queue.refresh": "刷新",
  "queue.kind": "类型",
  "queue.subject": "事项",
  "queue.deadline": "截止时间",
  "queue.action": "操作",
  "queue.noDeadline": "无",
  "queue.kind.receivable": "待确权的应收账款",
  "queue.kind.lc": "待通知的信用证",
  "queue.kind.guarantee": "待审批的保函申请",
  "queue.kind.grant": "待审批的数据访问申请",
  "queue.kind.proposal": "待投票的提案",
  "queue.subject.receivable": "应收账款 #{id}，债权人 {creditor}：{amount}",
  "queue.subject.lc": "信用证 #{id}，开证行 {issuer}：{amount}",
  "queue.subject.guarantee": "保函 #{id}，申请人 {applicant}：{amount}",
  "queue.subject.grant": "申请 #{id}，{grantee} 申请数据集 #{dataset}",
  "queue.subject.proposal": "提案 #{id}：{call}（已有 {approvals} 票赞成）",
  "action.confirm": "确权",
  "action.advise": "通知",
  "action.issue": "开立",
  "action.grant": "授权",
  "action.vote": "投赞成票",
  "tx.pending": "已发送，等待上链：{hash}",
  "tx.signing": "等待钱包签名…",
  "tx.mined": "已上链，区块 {block}",
  "tx.failed": "失败：{message}",
  "guarantee.title": "核验保函",
  "guarantee.intro": "输入保函上印制的编号（0x 加 64 位十六进制数字）。",
  "guarantee.reference": "保函编号",
  "guarantee.verify": "核验",
  "guarantee.genuine": "真实：由 {guarantor} 开立",
  "guarantee.notFound": "没有银行开立过此编号的保函。",
  "guarantee.badReference": "编号为 0x 加 64 位十六进制数字。",
  "guarantee.state": "状态",
  "guarantee.inForce": "有效",
  "guarantee.amount": "扣减后金额",
  "guarantee.available": "可索赔金额",
  "guarantee.expiry": "到期",
  "guarantee.yes": "是",
  "guarantee.no": "否",
  "certificate.title": "核验电子证照",
  "certificate.intro": "输入证照编号并拖入证照文件：文件在本浏览器中计算哈希，不会离开本机。",
  "certificate.id": "证照编号",
  "certificate.file": "证照文件",
  "certificate.drop": "将文件拖到此处，或选择文件",
  "certificate.hash": "文件哈希（keccak-256）",
  "certificate.verify": "核验",
  "certificate.match": "该文件正是证照 #{id} 的文件。",
  "certificate.mismatch": "该文件不是证照 #{id} 的文件。",
  "certificate.validity": "效力",
  "certificate.latest": "同一证照链的最新证照",
  "certificate.onChain": "已在链上核对",
  "certificate.notFound": "没有证照 #{id}。",
  "certificate.validUntil": "有效期至",
  "common.error": "错误：{message}",
  "common.member": "成员 {id}",
  "common.openIssue": "未找到",
};

export const LANGUAGES = { en: { name: "English", tag: "en" }, zh: { name: "简体中文", tag: "zh-CN" } } as const;
export type Language = keyof typeof LANGUAGES;
export const DICTIONARIES: Record<Language, Dictionary> = { en, zh };

export type Params = Record<string, string | number | bigint>;

/** The message `key` in `language` with its `{placeholders}` filled (an unknown placeholder stays as written). */
export function translate(language: Language, key: MessageKey, params: Params = {}): string {
  return DICTIONARIES[language][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The placeholders a message uses, sorted (the i18n test compares them across languages). */
export function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
}

/** The language the browser prefers, of the two: Chinese for any `zh*` tag, English otherwise. */
export function preferredLanguage(tags: readonly string[]): Language {
  for (const tag of tags) {
    if (tag.toLowerCase().startsWith("zh")) return "zh";
    if (tag.toLowerCase().startsWith("en")) return "en";
  }
  return "zh";
}

export interface I18n {
  language: Language;
  /** BCP 47 tag for Intl and `<html lang>`. */
  tag: string;
  setLanguage: (language: Language) => void;
  t: (key: MessageKey, params?: Params) => string;
}

export const I18nContext = createContext<I18n>({
  language: "en",
  tag: "en",
  setLanguage: () => undefined,
  t: (key, params) => translate("en", key, params),
});

export const useI18n = (): I18n => useContext(I18nContext);
