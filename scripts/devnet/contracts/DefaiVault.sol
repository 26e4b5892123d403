// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @notice A plain ERC-4626 vault for the defai devnet. Its yield arrives through `harvest`:
/// the strategy's profit is paid in as underlying, so every share redeems for more.
contract DefaiVault is ERC4626 {
    using SafeERC20 for IERC20;

    event Harvested(address indexed from, uint256 assets);

    constructor(IERC20 asset_, string memory name_, string memory symbol_)
        ERC20(name_, symbol_)
        ERC4626(asset_)
    {}

    /// @notice Pay `assets` of the underlying in as yield (raises the share price for all holders).
    function harvest(uint256 assets) external {
        IERC20(asset()).safeTransferFrom(msg.sender, address(this), assets);
        emit Harvested(msg.sender, assets);
    }
}
