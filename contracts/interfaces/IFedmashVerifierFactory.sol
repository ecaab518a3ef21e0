// SPDX-License-Identifier: MIT
// Deploys the verifier of a coordinator, so that the coordinator's creation code does not have to embed the verifier's.
pragma solidity ^0.8.28;

import {IFedmashVerifier} from "./IFedmashVerifier.sol";

/// @title IFedmashVerifierFactory
/// @notice A coordinator calls {deploy} once, in its constructor, and gets a verifier whose coordinator is itself: only
/// it can ever drive that verifier's round hooks. Anyone may call {deploy}; a verifier bound to some other caller is
/// useless to everyone else, since each coordinator names its own verifier.
interface IFedmashVerifierFactory {
    /// @notice A verifier was deployed for `coordinator`.
    event VerifierDeployed(address indexed coordinator, address verifier);

    /// @notice Deploys a verifier whose coordinator is the caller.
    /// @return verifier The new verifier.
    function deploy() external returns (IFedmashVerifier verifier);
}
