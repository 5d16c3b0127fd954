// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title Roles
/// @notice Application roles a consortium member can hold, as bits of a `uint64` role set.
/// @dev A member holds a set of roles; an application asks the registry whether the member behind an account holds
/// one of them. New roles take the next free bit; a bit is never reused for another meaning.
library Roles {
    /// @notice Votes on governance proposals.
    uint64 internal constant VOTER = 1 << 0;
    /// @notice Issues (mints) and burns the settlement deposit token.
    uint64 internal constant TOKEN_ISSUER = 1 << 1;
    /// @notice Holds and transfers the settlement deposit token.
    uint64 internal constant TOKEN_HOLDER = 1 << 2;
    /// @notice Records off-chain payments (a bank paying on existing rails) in place of token settlement.
    uint64 internal constant PAYMENT_BANK = 1 << 3;
    /// @notice Reports and maintains shared blacklist entries.
    uint64 internal constant CREDIT_REPORTER = 1 << 4;
    /// @notice Runs logged blacklist queries.
    uint64 internal constant CREDIT_QUERIER = 1 << 5;
    /// @notice Registers datasets and grants access to them.
    uint64 internal constant DATA_OWNER = 1 << 6;
    /// @notice Requests and uses access to datasets.
    uint64 internal constant DATA_CONSUMER = 1 << 7;
    /// @notice Issues, replaces and revokes e-certificates (licences, real-estate vouchers).
    uint64 internal constant CERTIFICATE_ISSUER = 1 << 8;
    /// @notice Owes receivables: a core enterprise that confirms or issues receivable certificates.
    uint64 internal constant RECEIVABLE_OBLIGOR = 1 << 9;
    /// @notice Registers receivables and holds receivable certificates.
    uint64 internal constant RECEIVABLE_HOLDER = 1 << 10;
    /// @notice Finances receivables: discounts, takes pledges, guarantees payment.
    uint64 internal constant FINANCIER = 1 << 11;
    /// @notice Acts as a bank in letters of credit: issuing, advising, nominated, confirming.
    uint64 internal constant LC_BANK = 1 << 12;
    /// @notice Acts as applicant or beneficiary of letters of credit.
    uint64 internal constant LC_TRADER = 1 << 13;
    /// @notice Issues bank guarantees.
    uint64 internal constant GUARANTOR = 1 << 14;
    /// @notice Applies for guarantees or benefits from them.
    uint64 internal constant GUARANTEE_PARTY = 1 << 15;
    /// @notice Buys and sells claims in the forfaiting market.
    uint64 internal constant FORFAITER = 1 << 16;
    /// @notice Reads and audits everything; resolves disputes where an application allows it. Moves no asset.
    uint64 internal constant AUDITOR = 1 << 17;
    /// @notice Tax bureau: attests that an invoice is genuine and not yet financed against its tax record.
    uint64 internal constant TAX_AUTHORITY = 1 << 18;
    /// @notice Customs: attests export declarations (amount and date).
    uint64 internal constant CUSTOMS = 1 << 19;
    /// @notice Court: attests judgements and freeze orders.
    uint64 internal constant COURT = 1 << 20;
    /// @notice Business registry: attests that a company is registered and in good standing.
    uint64 internal constant BUSINESS_REGISTRY = 1 << 21;
    /// @notice Warehouse (bonded or licensed): attests warehouse receipts.
    uint64 internal constant WAREHOUSE = 1 << 22;

    /// @notice Roles that move or hold assets: never granted to a regulator, which moves no asset.
    uint64 internal constant ASSET_ROLES =
        TOKEN_ISSUER |
            TOKEN_HOLDER |
            PAYMENT_BANK |
            RECEIVABLE_OBLIGOR |
            RECEIVABLE_HOLDER |
            FINANCIER |
            LC_BANK |
            LC_TRADER |
            GUARANTOR |
            GUARANTEE_PARTY |
            FORFAITER;

    /// @notice Every role bit defined above; granting an undefined bit is refused.
    uint64 internal constant ALL = (WAREHOUSE << 1) - 1;

    /// @notice Set for every account that may act now (active account of an active member, level Transact or
    /// above), whatever its roles: `authorize(account, MEMBER)` asks "is this any active member?". Never granted.
    uint64 internal constant MEMBER = 1 << 63;

    /// @notice Held only by contracts of the suite that governance allows to hold and move settlement (escrow,
    /// delivery versus payment). Never granted to a member.
    uint64 internal constant SYSTEM = 1 << 62;
}
