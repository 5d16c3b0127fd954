// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortiumApp} from "../../platform/interfaces/IConsortiumApp.sol";

/// @title IECertificates
/// @notice Electronic certificates (licences, real-estate vouchers, approvals) issued by authorised agencies: the
/// agency issues, replaces (the old certificate links to its successor) and revokes; anyone holding a certificate's
/// reference (its id, printed or in a QR code with this contract's address and chain id) verifies its status, its
/// holder and document, and follows its history.
/// @dev Only hashes stand on chain: the holder is a keyed hash of the holder's identifier (HMAC with the consortium
/// key, never a plain hash), the document a keccak256 of its bytes.
///
/// Lifecycle: `Active` → `Revoked` (final) or `Active` → `Replaced` (final; `replacedBy` names the successor).
/// Validity in time (not yet valid, expired) is derived from `validFrom` / `validUntil`, not stored.
interface IECertificates is IConsortiumApp {
    /// @notice Stored lifecycle of a certificate.
    enum CertificateStatus {
        None,
        Active,
        Revoked,
        Replaced
    }

    /// @notice What a verifier learns: the stored status combined with the validity period.
    enum Validity {
        Unknown,
        Valid,
        NotYetValid,
        Expired,
        Revoked,
        Replaced
    }

    /// @notice The terms of a certificate, as the agency issues them.
    /// @param holderHash Keyed hash of the holder's identifier (non-zero).
    /// @param kind What the certificate is (licence, real-estate voucher...; agency-defined codes, non-zero).
    /// @param documentHash keccak256 of the certificate document (non-zero).
    /// @param validFrom Start of validity (0: from issuance).
    /// @param validUntil End of validity, exclusive (0: no expiry).
    struct Terms {
        bytes32 holderHash;
        uint16 kind;
        bytes32 documentHash;
        uint64 validFrom;
        uint64 validUntil;
    }

    /// @notice A certificate record (four slots).
    /// @param issuer Member (agency) that issued it; only it may replace or revoke it.
    /// @param kind What the certificate is.
    /// @param status Stored lifecycle status.
    /// @param validFrom Start of validity.
    /// @param validUntil End of validity, exclusive (0: none).
    /// @param root First certificate of its replacement lineage (itself if it replaces none).
    /// @param holderHash Keyed hash of the holder's identifier.
    /// @param documentHash keccak256 of the certificate document.
    /// @param replaces The certificate this one replaced (0 if none).
    /// @param replacedBy The certificate that replaced this one (0 if none).
    /// @param issuedAt Issuance time.
    /// @param endedAt Time of revocation or replacement (0 while active).
    struct Certificate {
        uint32 issuer;
        uint16 kind;
        CertificateStatus status;
        uint64 validFrom;
        uint64 validUntil;
        uint64 root;
        bytes32 holderHash;
        bytes32 documentHash;
        uint64 replaces;
        uint64 replacedBy;
        uint64 issuedAt;
        uint64 endedAt;
    }

    /// @notice A certificate was issued (`replaces != 0` when it replaces another).
    event CertificateIssued(
        uint64 indexed certificateId,
        uint32 indexed issuer,
        bytes32 indexed holderHash,
        uint16 kind,
        bytes32 documentHash,
        uint64 validFrom,
        uint64 validUntil,
        uint64 replaces,
        uint64 root,
        address account
    );
    /// @notice A certificate was replaced by a new one.
    event CertificateReplaced(
        uint64 indexed certificateId,
        uint64 indexed replacedBy,
        uint64 indexed root,
        bytes32 reasonHash,
        address account
    );
    /// @notice A certificate was revoked.
    event CertificateRevoked(uint64 indexed certificateId, uint32 indexed issuer, bytes32 reasonHash, address account);

    /// @notice The certificate does not exist.
    error UnknownCertificate(uint64 certificateId);
    /// @notice The caller's member did not issue the certificate.
    error NotIssuer(uint64 certificateId, uint32 memberId, uint32 issuer);
    /// @notice The certificate is not in the state the action needs.
    error CertificateWrongStatus(uint64 certificateId, CertificateStatus current, CertificateStatus expected);
    /// @notice The validity period is empty or already over.
    error InvalidValidity(uint64 validFrom, uint64 validUntil);
    /// @notice Only a suite contract that governance allowed (a system contract) may issue in a member's name.
    error NotSystemContract(address caller);

    /// @notice Issues a certificate. By a `CERTIFICATE_ISSUER` member.
    /// @return certificateId The new certificate's id (its reference), from 1.
    function issue(Terms calldata terms) external returns (uint64 certificateId);

    /// @notice Issues a certificate in the name of `issuer`, a `CERTIFICATE_ISSUER` member active now. By a suite
    /// contract that governance allowed (a system contract), for results that a contract's own rules decide, such as
    /// an administrative approval once every department approved. The certificate is the issuer's own: it alone
    /// replaces or revokes it.
    /// @return certificateId The new certificate's id.
    function issueFor(uint32 issuer, Terms calldata terms) external returns (uint64 certificateId);

    /// @notice Replaces an active certificate with a new one (renewal, correction, change of holder). By its issuer.
    /// @return newId The successor's id.
    function replace(uint64 certificateId, Terms calldata terms, bytes32 reasonHash) external returns (uint64 newId);

    /// @notice Revokes an active certificate for good. By its issuer.
    function revoke(uint64 certificateId, bytes32 reasonHash) external;

    /// @notice A certificate's record (all zero if unknown).
    function certificate(uint64 certificateId) external view returns (Certificate memory);

    /// @notice A certificate's validity now, and the latest certificate of its lineage (itself unless replaced).
    function verify(uint64 certificateId) external view returns (Validity validity, uint64 latestId);

    /// @notice Like `verify`, and whether the holder and document presented match the certificate.
    function verifyDocument(
        uint64 certificateId,
        bytes32 holderHash,
        bytes32 documentHash
    ) external view returns (Validity validity, bool matches, uint64 latestId);

    /// @notice The latest certificate of the lineage `certificateId` belongs to (O(1)).
    function latestOf(uint64 certificateId) external view returns (uint64);

    /// @notice Certificates issued so far (ids 1..n).
    function certificateCount() external view returns (uint64);
}
