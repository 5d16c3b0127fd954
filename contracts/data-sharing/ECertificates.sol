// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumApp} from "../platform/ConsortiumApp.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {IECertificates} from "./interfaces/IECertificates.sol";

/// @title ECertificates
/// @notice Licences, real-estate vouchers and other certificates issued, replaced and revoked by authorised agencies
/// and verifiable by anyone holding their reference. See `IECertificates`.
contract ECertificates is IECertificates, ConsortiumApp {
    /// @custom:storage-location erc7201:consortia.storage.ECertificates
    struct ECertificatesStorage {
        uint64 _certificateCount;
        mapping(uint64 certificateId => Certificate) _certificates;
        /// @dev Latest certificate of each lineage, set on the first replacement (unset: the root itself).
        mapping(uint64 rootId => uint64) _latest;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.ECertificates")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant E_CERTIFICATES_STORAGE_LOCATION =
        0x9e9b1da6828dd51fc893c7f8d7ecc80d5d88c1349ac60ffd0be59ef73b621800;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) ConsortiumApp(registry_) {}

    /// @notice Initializes the proxy (run once, by the proxy's constructor).
    function initialize() external initializer {
        __ConsortiumApp_init();
    }

    /// @inheritdoc IECertificates
    function issue(Terms calldata terms) external whenNotPaused returns (uint64 certificateId) {
        uint32 issuer = _authorize(Roles.CERTIFICATE_ISSUER);
        certificateId = _issue(issuer, terms, 0, 0);
    }

    /// @inheritdoc IECertificates
    function issueFor(uint32 issuer, Terms calldata terms) external whenNotPaused returns (uint64 certificateId) {
        IConsortiumRegistry registry_ = registry();
        if (!registry_.isSystemContract(msg.sender)) revert NotSystemContract(msg.sender);
        registry_.authorizeMember(issuer, Roles.CERTIFICATE_ISSUER);
        certificateId = _issue(issuer, terms, 0, 0);
    }

    /// @inheritdoc IECertificates
    function replace(
        uint64 certificateId,
        Terms calldata terms,
        bytes32 reasonHash
    ) external whenNotPaused returns (uint64 newId) {
        ECertificatesStorage storage $ = _getECertificatesStorage();
        (Certificate storage c, uint32 issuer) = _activeOwnCertificate(certificateId);
        uint64 root = c.root;
        newId = _issue(issuer, terms, certificateId, root);

        c.status = CertificateStatus.Replaced;
        c.replacedBy = newId;
        c.endedAt = uint64(block.timestamp);
        $._latest[root] = newId;
        emit CertificateReplaced(certificateId, newId, root, reasonHash, msg.sender);
    }

    /// @inheritdoc IECertificates
    function revoke(uint64 certificateId, bytes32 reasonHash) external whenNotPaused {
        (Certificate storage c, uint32 issuer) = _activeOwnCertificate(certificateId);
        c.status = CertificateStatus.Revoked;
        c.endedAt = uint64(block.timestamp);
        emit CertificateRevoked(certificateId, issuer, reasonHash, msg.sender);
    }

    /// @inheritdoc IECertificates
    function certificate(uint64 certificateId) external view returns (Certificate memory) {
        ECertificatesStorage storage $ = _getECertificatesStorage();
        return $._certificates[certificateId];
    }

    /// @inheritdoc IECertificates
    function verify(uint64 certificateId) public view returns (Validity validity, uint64 latestId) {
        ECertificatesStorage storage $ = _getECertificatesStorage();
        Certificate storage c = $._certificates[certificateId];
        CertificateStatus status = c.status;
        if (status == CertificateStatus.None) return (Validity.Unknown, 0);
        latestId = latestOf(certificateId);
        if (status == CertificateStatus.Revoked) return (Validity.Revoked, latestId);
        if (status == CertificateStatus.Replaced) return (Validity.Replaced, latestId);
        if (block.timestamp < c.validFrom) return (Validity.NotYetValid, latestId);
        uint64 validUntil = c.validUntil;
        if (validUntil != 0 && block.timestamp >= validUntil) return (Validity.Expired, latestId);
        return (Validity.Valid, latestId);
    }

    /// @inheritdoc IECertificates
    function verifyDocument(
        uint64 certificateId,
        bytes32 holderHash,
        bytes32 documentHash
    ) external view returns (Validity validity, bool matches, uint64 latestId) {
        ECertificatesStorage storage $ = _getECertificatesStorage();
        (validity, latestId) = verify(certificateId);
        Certificate storage c = $._certificates[certificateId];
        matches = validity != Validity.Unknown && c.holderHash == holderHash && c.documentHash == documentHash;
    }

    /// @inheritdoc IECertificates
    function latestOf(uint64 certificateId) public view returns (uint64) {
        ECertificatesStorage storage $ = _getECertificatesStorage();
        uint64 root = $._certificates[certificateId].root;
        if (root == 0) return 0;
        uint64 latest = $._latest[root];
        return latest == 0 ? root : latest;
    }

    /// @inheritdoc IECertificates
    function certificateCount() external view returns (uint64) {
        ECertificatesStorage storage $ = _getECertificatesStorage();
        return $._certificateCount;
    }

    /// @dev Validates terms and stores a new active certificate of `issuer`.
    function _issue(
        uint32 issuer,
        Terms calldata terms,
        uint64 replaces,
        uint64 root
    ) private returns (uint64 certificateId) {
        ECertificatesStorage storage $ = _getECertificatesStorage();
        if (terms.holderHash == bytes32(0)) revert InvalidValue("holderHash");
        if (terms.documentHash == bytes32(0)) revert InvalidValue("documentHash");
        if (terms.kind == 0) revert InvalidValue("kind");
        uint64 validFrom = terms.validFrom == 0 ? uint64(block.timestamp) : terms.validFrom;
        uint64 validUntil = terms.validUntil;
        if (validUntil != 0 && (validUntil <= validFrom || validUntil <= block.timestamp)) {
            revert InvalidValidity(validFrom, validUntil);
        }

        certificateId = ++$._certificateCount;
        if (root == 0) root = certificateId;
        $._certificates[certificateId] = Certificate({
            issuer: issuer,
            kind: terms.kind,
            status: CertificateStatus.Active,
            validFrom: validFrom,
            validUntil: validUntil,
            root: root,
            holderHash: terms.holderHash,
            documentHash: terms.documentHash,
            replaces: replaces,
            replacedBy: 0,
            issuedAt: uint64(block.timestamp),
            endedAt: 0
        });
        emit CertificateIssued(
            certificateId,
            issuer,
            terms.holderHash,
            terms.kind,
            terms.documentHash,
            validFrom,
            validUntil,
            replaces,
            root,
            msg.sender
        );
    }

    /// @dev The certificate, which must be active and issued by the member behind `msg.sender` (acting as issuer).
    function _activeOwnCertificate(uint64 certificateId) private view returns (Certificate storage c, uint32 issuer) {
        ECertificatesStorage storage $ = _getECertificatesStorage();
        issuer = _authorize(Roles.CERTIFICATE_ISSUER);
        c = $._certificates[certificateId];
        CertificateStatus status = c.status;
        if (status == CertificateStatus.None) revert UnknownCertificate(certificateId);
        if (c.issuer != issuer) revert NotIssuer(certificateId, issuer, c.issuer);
        if (status != CertificateStatus.Active) {
            revert CertificateWrongStatus(certificateId, status, CertificateStatus.Active);
        }
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getECertificatesStorage() private pure returns (ECertificatesStorage storage $) {
        assembly ("memory-safe") {
            $.slot := E_CERTIFICATES_STORAGE_LOCATION
        }
    }
}
