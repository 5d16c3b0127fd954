// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAuthorityAttestations} from "../../contracts/attestations/interfaces/IAuthorityAttestations.sol";
import {ForfaitingMarket} from "../../contracts/forfaiting/ForfaitingMarket.sol";
import {IForfaitingMarket} from "../../contracts/forfaiting/interfaces/IForfaitingMarket.sol";
import {ClaimMock} from "../../contracts/mocks/ClaimMock.sol";
import {ITransferableClaim} from "../../contracts/platform/interfaces/ITransferableClaim.sol";
import {DocumentRef} from "../../contracts/platform/types/DocumentRef.sol";
import {PlatformFixture} from "./utils/PlatformFixture.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Drives claims through random announcements, quotes, withdrawals, trades, off-market transfers, time and
/// maturity payments, tracking who should hold each claim and who was paid.
contract ForfaitingHandler is PlatformFixture {
    uint256 internal constant CLAIMS = 4;
    uint256 internal constant FACE = 1e8;

    ForfaitingMarket public market;
    ClaimMock public claims;
    address[] internal _banks;
    mapping(uint256 claimId => address) public ghostHolder;
    uint256 public ghostWrongPayee;
    uint256 public ghostDvpBreaks;
    uint256 public ghostTrades;
    uint256 public ghostMaturityPaid;

    constructor() {
        _deployPlatform();
        claims = new ClaimMock(registry, token);
        address[] memory listed = new address[](1);
        listed[0] = address(claims);
        market = ForfaitingMarket(
            _proxy(
                address(
                    new ForfaitingMarket(registry, token, ledger, freezeOrders, IAuthorityAttestations(address(0)))
                ),
                abi.encodeCall(ForfaitingMarket.initialize, (listed))
            )
        );
        registry.bootstrapSystemContract(address(market));
        // The mock pulls the obligor's tokens at maturity, as a suite claim contract does: token spenders must be
        // active holders or suite contracts.
        registry.bootstrapSystemContract(address(claims));
        registry.endBootstrap(3);
        _banks = [BANK_A, BANK_B, BANK_C];
        for (uint256 i; i < _banks.length; ++i) {
            _mint(_banks[i], 1e12);
            vm.startPrank(_banks[i]);
            token.approve(address(market), type(uint256).max);
            token.approve(address(claims), type(uint256).max);
            vm.stopPrank();
        }
        // bankC is the accepting (obligor) bank of every claim; bankA and bankB hold them first.
        for (uint256 i; i < CLAIMS; ++i) {
            address holder = _banks[i % 2];
            vm.prank(BANK_C);
            uint256 id = claims.create(holder, uint64(block.timestamp + 20 days), FACE);
            ghostHolder[id] = holder;
        }
    }

    function announce(uint256 claimSeed, bool sealedQuotes) external {
        uint256 claimId = 1 + (claimSeed % CLAIMS);
        address holder = claims.claimInfo(claimId).holder;
        IForfaitingMarket.Announcement memory a = IForfaitingMarket.Announcement({
            asset: claims,
            claimId: claimId,
            askingPrice: uint128(FACE - FACE / 20),
            askingDiscountBps: 500,
            askingTermsHash: keccak256("terms"),
            quoteDeadline: uint64(block.timestamp + 1 days),
            revealPeriod: sealedQuotes ? 1 days : 0,
            documents: new DocumentRef[](0)
        });
        vm.startPrank(holder);
        try claims.approveClaim(claimId, address(market)) {} catch {}
        try market.announce(a) {} catch {}
        vm.stopPrank();
    }

    function quote(uint256 offerSeed, uint256 bidderSeed, uint256 price) external {
        uint256 offerId = _offer(offerSeed);
        if (offerId == 0) return;
        address bidder = _banks[bidderSeed % 3];
        price = _bound(price, 1, FACE);
        IForfaitingMarket.Offer memory o = market.offer(offerId);
        vm.startPrank(bidder);
        if (o.revealPeriod == 0) {
            try market.quote(offerId, uint128(price)) {} catch {}
        } else {
            bytes32 salt = keccak256(abi.encode(bidderSeed));
            try market.commitQuote(offerId, keccak256(abi.encode(offerId, bidder, uint128(price), salt))) {} catch {}
            vm.warp(block.timestamp + 1 days + 1);
            try market.revealQuote(offerId, uint128(price), salt) {} catch {}
        }
        vm.stopPrank();
    }

    function withdrawQuote(uint256 offerSeed, uint256 bidderSeed) external {
        uint256 offerId = _offer(offerSeed);
        if (offerId == 0) return;
        vm.prank(_banks[bidderSeed % 3]);
        try market.withdrawQuote(offerId) {} catch {}
    }

    function accept(uint256 offerSeed, uint256 bidderSeed) external {
        uint256 offerId = _offer(offerSeed);
        if (offerId == 0) return;
        IForfaitingMarket.Offer memory o = market.offer(offerId);
        address bidder = _banks[bidderSeed % 3];
        uint256 price = market.quoteOf(offerId, bidder).price;
        uint256 sellerBefore = token.balanceOf(o.seller);
        uint256 bidderBefore = token.balanceOf(bidder);
        if (o.revealPeriod != 0) vm.warp(block.timestamp + 2 days + 1);
        vm.prank(o.seller);
        address holderBefore = ghostHolder[o.claimId];
        try market.acceptQuote(offerId, bidder, keccak256("deed"), keccak256("notice"), bytes32(0)) {
            ++ghostTrades;
            // Only the holder may be paid for the claim: a seller that sold it elsewhere must be refused.
            if (holderBefore != o.seller) ++ghostDvpBreaks;
            ghostHolder[o.claimId] = bidder;
            if (token.balanceOf(o.seller) != sellerBefore + price || token.balanceOf(bidder) != bidderBefore - price) {
                ++ghostDvpBreaks;
            }
        } catch {}
    }

    /// @dev The holder moves the claim outside the market (a sale the market must then refuse).
    function transferOffMarket(uint256 claimSeed, uint256 toSeed) external {
        uint256 claimId = 1 + (claimSeed % CLAIMS);
        address holder = claims.claimInfo(claimId).holder;
        address to = _banks[toSeed % 3];
        vm.prank(holder);
        try claims.transferClaim(claimId, to) {
            ghostHolder[claimId] = to;
        } catch {}
    }

    /// @dev The seller of an open offer sells the claim elsewhere, and the new holder approves the market for its own
    /// sale: accepting the stale offer would then move someone else's claim and pay the wrong seller.
    function sellElsewhereDuringOffer(uint256 offerSeed, uint256 toSeed) external {
        uint256 offerId = _offer(offerSeed);
        if (offerId == 0) return;
        IForfaitingMarket.Offer memory o = market.offer(offerId);
        address to = _banks[toSeed % 3];
        if (to == o.seller) to = _banks[(toSeed + 1) % 3];
        vm.prank(o.seller);
        try claims.transferClaim(o.claimId, to) {
            ghostHolder[o.claimId] = to;
            vm.prank(to);
            claims.approveClaim(o.claimId, address(market));
        } catch {}
    }

    function payAtMaturity(uint256 claimSeed, uint256 payeeSeed) external {
        uint256 claimId = 1 + (claimSeed % CLAIMS);
        address payee = _banks[payeeSeed % 3];
        uint256 before = token.balanceOf(payee);
        vm.prank(BANK_C);
        try claims.payAtMaturity(claimId, payee) {
            ++ghostMaturityPaid;
            if (payee != ghostHolder[claimId]) ++ghostWrongPayee;
            if (payee != BANK_C && token.balanceOf(payee) != before + FACE) ++ghostWrongPayee;
        } catch {}
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 1, 10 days));
    }

    function tokenBalanceOfMarket() external view returns (uint256) {
        return token.balanceOf(address(market));
    }

    function banks() external view returns (address[] memory) {
        return _banks;
    }

    function claimCount() external pure returns (uint256) {
        return CLAIMS;
    }

    function _offer(uint256 seed) internal view returns (uint256) {
        uint256 count = market.offerCount();
        return count == 0 ? 0 : 1 + (seed % count);
    }
}

/// @notice Each claim has exactly one holder, the one trades and transfers made it; the maturity payment goes to it;
/// the claim and the price move together; the market never keeps money.
contract ForfaitingInvariantTest is TestBase {
    ForfaitingHandler internal handler;
    ClaimMock internal claims;
    ForfaitingMarket internal market;

    function setUp() public {
        handler = new ForfaitingHandler();
        claims = handler.claims();
        market = handler.market();
        _targetContract(address(handler));
    }

    function invariant_oneHolderPerClaim() public view {
        for (uint256 id = 1; id <= handler.claimCount(); ++id) {
            ITransferableClaim.ClaimInfo memory info = claims.claimInfo(id);
            _assertTrue(info.holder == handler.ghostHolder(id), "holder differs from the one trades made");
        }
    }

    function invariant_maturityPaymentGoesToHolder() public view {
        _assertEq(handler.ghostWrongPayee(), 0, "maturity payment to someone other than the holder");
    }

    function invariant_claimAndPriceMoveTogether() public view {
        _assertEq(
            handler.ghostDvpBreaks(),
            0,
            "a trade moved the claim without the exact price, or paid a seller that did not hold it"
        );
    }

    function invariant_marketHoldsNoMoney() public view {
        _assertEq(handler.tokenBalanceOfMarket(), 0, "market kept tokens");
    }
}
