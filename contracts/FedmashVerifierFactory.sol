// SPDX-License-Identifier: MIT
// Deploys FedmashVerifier for the coordinator that calls it. EIP-3860 caps creation code at 49,152 bytes; the
// coordinator's and the verifier's together exceed it, so the verifier's creation code lives here instead.
pragma solidity ^0.8.28;

import {FedmashVerifier} from "./FedmashVerifier.sol";
import {IFedmashCoordinator} from "./interfaces/IFedmashCoordinator.sol";
import {IFedmashVerifier} from "./interfaces/IFedmashVerifier.sol";
import {IFedmashVerifierFactory} from "./interfaces/IFedmashVerifierFactory.sol";

/// @title FedmashVerifierFactory
/// @notice See {IFedmashVerifierFactory}.
contract FedmashVerifierFactory is IFedmashVerifierFactory {
    /// @inheritdoc IFedmashVerifierFactory
    function deploy() external returns (IFedmashVerifier verifier) {
        verifier = new FedmashVerifier(IFedmashCoordinator(msg.sender));
        emit VerifierDeployed(msg.sender, address(verifier));
    }
}
