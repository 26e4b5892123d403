"""Turn revert data into words a user can act on."""

from __future__ import annotations

from eth_abi import decode
from eth_utils import keccak

_ERROR = keccak(text="Error(string)")[:4]
_PANIC = keccak(text="Panic(uint256)")[:4]
_PANICS = {0x01: "assertion failed", 0x11: "arithmetic over/underflow", 0x12: "division by zero"}

# Custom errors seen on these protocols (OpenZeppelin 5 tokens and vaults).
_CUSTOM = {
    keccak(text=sig)[:4]: (sig.split("(")[0], [t for t in sig[sig.index("(") + 1 : -1].split(",") if t])
    for sig in (
        "ERC20InsufficientBalance(address,uint256,uint256)",
        "ERC20InsufficientAllowance(address,uint256,uint256)",
        "ERC4626ExceededMaxDeposit(address,uint256,uint256)",
        "ERC4626ExceededMaxWithdraw(address,uint256,uint256)",
        "ERC4626ExceededMaxRedeem(address,uint256,uint256)",
        "SafeERC20FailedOperation(address)",
    )
}

# Aave V3 reverts with numeric codes (contracts/protocol/libraries/helpers/Errors.sol).
AAVE_ERRORS = {
    "26": "amount must be greater than 0",
    "27": "reserve is not active",
    "28": "reserve is frozen",
    "29": "reserve is paused",
    "30": "borrowing is not enabled",
    "32": "cannot withdraw more than the available balance",
    "34": "the collateral balance is 0",
    "35": "health factor would fall below the liquidation threshold",
    "36": "not enough collateral to cover a new borrow",
    "39": "no debt of the selected type to repay",
    "43": "the underlying balance is 0",
    "50": "borrow cap exceeded",
    "51": "supply cap exceeded",
    "57": "LTV validation failed",
}

_UNISWAP = {
    "STF": "token transfer failed (balance or allowance too low)",
    "Too little received": "slippage limit: the swap would return less than the minimum",
    "Too much requested": "slippage limit: the swap would cost more than the maximum",
    "Transaction too old": "deadline passed",
    "UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT": "slippage limit: the swap would return less than the minimum",
    "UniswapV2Router: EXCESSIVE_INPUT_AMOUNT": "slippage limit: the swap would cost more than the maximum",
    "TransferHelper: TRANSFER_FROM_FAILED": "token transfer failed (balance or allowance too low)",
}


def decode_revert(data: bytes | str | None) -> str:
    """A readable reason for revert `data` (hex or bytes); "reverted without a reason" if empty."""
    if isinstance(data, str):
        data = bytes.fromhex(data.removeprefix("0x")) if data.startswith("0x") else data.encode()
    if not data:
        return "reverted without a reason"
    head, body = data[:4], data[4:]
    try:
        if head == _ERROR:
            reason = str(decode(["string"], body)[0])
            if reason in AAVE_ERRORS:
                return f"aave error {reason}: {AAVE_ERRORS[reason]}"
            return f"{reason} ({_UNISWAP[reason]})" if reason in _UNISWAP else reason
        if head == _PANIC:
            code = int(decode(["uint256"], body)[0])
            return f"panic 0x{code:02x}: {_PANICS.get(code, 'runtime error')}"
        if head in _CUSTOM:
            name, types = _CUSTOM[head]
            values = decode(types, body)
            return f"{name}({', '.join(str(v) for v in values)})"
    except Exception:  # malformed payload: show it raw below
        pass
    return f"reverted with data 0x{data.hex()[:200]}"
