/** `consortia member ...`: members and M-of-N governance proposals of the registry. */
import type { Command } from "commander";
import {
  ACCESS_LEVEL,
  ACCOUNT_STATUS,
  type GovernanceFunction,
  type MemberInfo,
  type ProposalInfo,
} from "@consortia/sdk";
import type { Cli } from "../context.js";
import { details, table } from "../output.js";
import { parseAddress, parseBytes32, parseId, parseKind, parseRoles } from "../parse.js";
import { progress, receiptSummary } from "./shared.js";

const memberRow = (member: MemberInfo): Record<string, unknown> => ({
  id: member.id,
  name: member.name,
  kind: member.kind,
  status: member.status,
  roles: member.roleNames.join(","),
  accounts: member.accounts.length,
});

const proposalRow = (proposal: ProposalInfo): Record<string, unknown> => ({
  id: proposal.id,
  status: proposal.expired ? "Expired" : proposal.status,
  approvals: proposal.approvals,
  proposer: proposal.proposer,
  expires: new Date(proposal.expiresAt * 1000).toISOString(),
  call: proposal.call,
});

export function register(program: Command, cli: () => Cli): void {
  const member = program.command("member").description("consortium members and governance proposals");

  member
    .command("list")
    .description("list every member")
    .action(async () => {
      const { registry } = await cli().consortia();
      const members = await registry.members();
      cli().out.result(members, () => table(members.map(memberRow)));
    });

  member
    .command("show")
    .argument("<member>", "member id, name or account address")
    .description("show a member with its accounts")
    .action(async (reference: string) => {
      const { registry } = await cli().consortia();
      const found = await registry.findMember(reference);
      const accounts = await Promise.all(
        found.accounts.map(async (account) => {
          const record = await registry.contract.account(account);
          return {
            account,
            status: ACCOUNT_STATUS[Number(record.status)],
            level: ACCESS_LEVEL[Number(record.level)],
          };
        }),
      );
      cli().out.result({ ...found, accounts }, () =>
        [
          details({
            ...memberRow(found),
            roles: found.roleNames.join(", "),
            registrationHash: found.registrationHash,
            encryptionKey: found.encryptionKey,
            nodes: found.nodeCount,
          }),
          "",
          table(accounts),
        ].join("\n"),
      );
    });

  /** Registers a `propose-*` command that encodes one governance call. */
  function proposeCommand(
    name: string,
    description: string,
    configure: (command: Command) => Command,
    build: (
      cli: Cli,
      args: string[],
      options: Record<string, string>,
    ) => Promise<{ fn: GovernanceFunction; args: unknown[]; summary: string }>,
  ): void {
    configure(member.command(name).description(description))
      .option("--description <text>", "what the proposal is for (its hash goes on chain)")
      .action(async (...received: unknown[]) => {
        const command = received[received.length - 1] as Command;
        const options = command.opts<Record<string, string>>();
        const positional = command.args;
        const { fn, args, summary } = await build(cli(), positional, options);
        const { registry } = await cli().consortia({ sign: true });
        const text = options.description ?? summary;
        const { proposalId, transactionHash } = await registry.propose(
          fn,
          args as never,
          text,
          progress(cli(), `proposing ${summary}`),
        );
        cli().out.result(
          { proposalId, transactionHash, call: fn, args, description: text },
          () =>
            `proposal ${proposalId} created: ${summary} (tx ${transactionHash}); voters approve with \`consortia member approve ${proposalId}\``,
        );
      });
  }

  const resolve = async (c: Cli, reference: string): Promise<MemberInfo> =>
    (await c.consortia()).registry.findMember(reference);

  proposeCommand(
    "propose-admit",
    "propose admitting a new member",
    (command) =>
      command
        .requiredOption("--kind <kind>", "Bank, Enterprise, CreditAgency, Government, Regulator or ServiceProvider")
        .requiredOption("--name <name>", "public organisation name")
        .requiredOption("--registration-hash <hash>", "keyed hash of the registration number (bytes32)")
        .requiredOption("--encryption-key <key>", "X25519 public key for shared payloads (bytes32)")
        .requiredOption("--roles <roles>", "comma-separated role names, e.g. TOKEN_HOLDER,RECEIVABLE_HOLDER")
        .requiredOption("--admin <address>", "the member's first admin account"),
    async (_cli, _args, options) => {
      const kind = parseKind(options.kind);
      const registrationHash = parseBytes32(options.registrationHash, "registration hash");
      const encryptionKey = parseBytes32(options.encryptionKey, "encryption key");
      const roles = parseRoles(options.roles);
      const admin = parseAddress(options.admin, "admin address");
      if (options.name.trim() === "") throw new Error("empty --name");
      return {
        fn: "admitMember",
        args: [kind, options.name, registrationHash, encryptionKey, roles.set, admin],
        summary: `admit ${options.name} (${options.kind}; ${roles.names.join(",")}; admin ${admin})`,
      };
    },
  );

  for (const [name, fn, verb] of [
    ["propose-suspend", "suspendMember", "suspend"],
    ["propose-reinstate", "reinstateMember", "reinstate"],
    ["propose-remove", "removeMember", "remove"],
  ] as const) {
    proposeCommand(
      name,
      `propose to ${verb} a member`,
      (command) => command.argument("<member>", "member id, name or account address"),
      async (c, [reference]) => {
        const target = await resolve(c, reference);
        return {
          fn,
          args: [target.id],
          summary: `${verb} member ${target.id} (${target.name})`,
        };
      },
    );
  }

  proposeCommand(
    "propose-roles",
    "propose replacing a member's role set",
    (command) =>
      command
        .argument("<member>", "member id, name or account address")
        .requiredOption("--roles <roles>", "the complete new role set, comma-separated"),
    async (c, [reference], options) => {
      const roles = parseRoles(options.roles);
      const target = await resolve(c, reference);
      return {
        fn: "setRoles",
        args: [target.id, roles.set],
        summary: `set roles of member ${target.id} (${target.name}) to ${roles.names.join(",")}`,
      };
    },
  );

  for (const [name, verb] of [
    ["approve", "approve"],
    ["execute", "execute"],
    ["cancel", "cancel"],
  ] as const) {
    member
      .command(name)
      .argument("<proposal>", "proposal id")
      .description(`${verb} a pending proposal`)
      .action(async (idText: string) => {
        const id = parseId(idText, "proposal id");
        const { registry } = await cli().consortia({ sign: true });
        const receipt = await registry[verb](id, progress(cli(), `${verb} proposal ${id}`));
        const after = await registry.proposal(id);
        cli().out.result(
          {
            proposalId: id,
            status: after.status,
            approvals: after.approvals,
            ...receiptSummary(receipt),
          },
          () =>
            `proposal ${id} ${verb === "approve" ? "approved" : verb === "execute" ? "executed" : "cancelled"}: now ${after.status} with ${after.approvals} approval(s) (tx ${receipt.hash}, block ${receipt.blockNumber})`,
        );
      });
  }

  member
    .command("proposals")
    .description("list open proposals (all with --all)")
    .option("--all", "include executed, cancelled and expired proposals")
    .action(async (options: { all?: boolean }) => {
      const { registry } = await cli().consortia();
      const [proposals, threshold] = await Promise.all([
        registry.proposals({ pending: options.all !== true }),
        registry.threshold(),
      ]);
      cli().out.result(proposals, () => `${table(proposals.map(proposalRow))}\n(threshold: ${threshold} approvals)`);
    });
}
