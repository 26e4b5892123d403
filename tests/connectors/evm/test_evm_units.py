"""Pure pieces of the EVM connector: ABI encoding, revert decoding, rates, keys, address books, journal."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from eth_abi import encode
from eth_account import Account
from eth_utils import keccak

from connectors.errors import ConfigError, RejectedError
from connectors.evm import PricePoint, apy_from_history, book_for
from connectors.evm.aave import apy_from_ray
from connectors.evm.abi import Fn, encode_v3_path, split_types
from connectors.evm.addresses import MAINNETS
from connectors.evm.journal import Journal, SentTx
from connectors.evm.keys import KEY_ENV, KEYSTORE_ENV, PASSWORD_ENV, load_account
from connectors.evm.revert import decode_revert


def test_fn_encodes_selector_and_tuple_args() -> None:
    fn = Fn("exactInput((bytes,address,uint256,uint256,uint256))", "uint256")
    assert fn.inputs == ("(bytes,address,uint256,uint256,uint256)",)
    assert fn.selector == keccak(text=fn.signature)[:4]
    assert Fn("transfer(address,uint256)").selector.hex() == "a9059cbb"
    assert split_types("(a,(b,c)),uint256") == ["(a,(b,c))", "uint256"]
    assert Fn("x()", "uint256,address").decode_one(encode(["uint256", "address"], [7, "0x" + "11" * 20])) == 7


def test_v3_path_packs_tokens_and_fees() -> None:
    a, b, c = "0x" + "aa" * 20, "0x" + "bb" * 20, "0x" + "cc" * 20
    path = encode_v3_path([a, b, c], [500, 3000])
    assert len(path) == 20 + 3 + 20 + 3 + 20
    assert path[20:23] == (500).to_bytes(3, "big") and path[43:46] == (3000).to_bytes(3, "big")
    with pytest.raises(ValueError):
        encode_v3_path([a, b], [500, 3000])


def test_revert_reasons_are_readable() -> None:
    error = keccak(text="Error(string)")[:4]
    assert "slippage limit" in decode_revert(error + encode(["string"], ["Too little received"]))
    assert decode_revert(error + encode(["string"], ["36"])).startswith(
        "aave error 36: not enough collateral"
    )
    panic = keccak(text="Panic(uint256)")[:4] + encode(["uint256"], [0x11])
    assert decode_revert(panic) == "panic 0x11: arithmetic over/underflow"
    custom = keccak(text="ERC20InsufficientBalance(address,uint256,uint256)")[:4]
    custom += encode(["address", "uint256", "uint256"], ["0x" + "11" * 20, 5, 9])
    assert decode_revert(custom).startswith("ERC20InsufficientBalance(")
    assert decode_revert(b"") == "reverted without a reason"
    assert decode_revert("0xdeadbeef").startswith("reverted with data 0xdeadbeef")


def test_aave_apy_compounds_the_ray_rate() -> None:
    assert apy_from_ray(0) == 0
    five_percent = apy_from_ray(5 * 10**25)
    assert Decimal("0.05127") < five_percent < Decimal("0.05128")  # e^0.05 - 1


def test_apy_from_share_price_history() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    year = [PricePoint(t0, 1, Decimal(1)), PricePoint(t0 + timedelta(days=365), 2, Decimal("1.07"))]
    assert apy_from_history(year) == pytest.approx(Decimal("0.07"), abs=Decimal("1e-9"))
    assert apy_from_history(year[:1]) is None
    assert apy_from_history([year[0], PricePoint(t0, 3, Decimal(2))]) is None  # no time passed


def test_mainnet_books_need_an_rpc_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEFAI_EVM__RPC_URL", raising=False)
    monkeypatch.delenv("DEFAI_EVM__RPC_URL_BASE", raising=False)
    with pytest.raises(ConfigError, match="DEFAI_EVM__RPC_URL"):
        book_for("base")
    book = book_for("mainnet", rpc_url="http://127.0.0.1:1")
    assert book.network == "ethereum" and book.chain_id == 1
    assert book.token("weth").address == "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"
    with pytest.raises(ConfigError, match="unknown network"):
        book_for("solana")
    with pytest.raises(RejectedError, match="unknown token 'PEPE'"):
        book.token("PEPE")


def test_mainnet_books_are_well_formed() -> None:
    for book in MAINNETS.values():
        assert {"WETH", "USDC"} <= set(book.tokens)
        assert book.tokens["USDC"].decimals == 6
        for address in (
            book.uniswap_v3_router,
            book.uniswap_v3_quoter,
            book.aave_pool,
            book.uniswap_v2_router,
        ):
            assert address is not None and address.startswith("0x") and len(address) == 42


def test_keys_from_env_and_keystore_never_leak(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEYSTORE_ENV, raising=False)
    with pytest.raises(ConfigError, match="no signing key for base"):
        load_account("base")
    assert load_account("devnet").address == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    assert load_account("devnet", "1").address == "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"

    secret = "0x" + "4c" * 32
    monkeypatch.setenv(KEY_ENV, "0x1234")
    with pytest.raises(ConfigError) as bad:
        load_account("base")
    assert "0x1234" not in str(bad.value)
    monkeypatch.setenv(KEY_ENV, secret)
    assert load_account("base").address == Account.from_key(secret).address

    keystore = tmp_path / "key.json"
    keystore.write_text(json.dumps(Account.encrypt(secret, "pw", iterations=2)))
    monkeypatch.delenv(KEY_ENV)
    monkeypatch.setenv(KEYSTORE_ENV, str(keystore))
    monkeypatch.setenv(PASSWORD_ENV, "wrong")
    with pytest.raises(ConfigError, match="wrong password") as wrong:
        load_account("arbitrum")
    assert secret[2:] not in str(wrong.value)
    monkeypatch.setenv(PASSWORD_ENV, "pw")
    assert load_account("arbitrum").address == Account.from_key(secret).address


def test_journal_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    journal = Journal(path)
    journal.record(SentTx("a", "0xaa", 7, "0x01"))
    journal.record(SentTx("b", "0xbb", 8, "0x02"))
    journal.settle("a", True)
    journal.forget("b")
    again = Journal(path)
    assert again.get("a") == SentTx("a", "0xaa", 7, "0x01", True)
    assert again.get("b") is None


def test_public_api_is_curated() -> None:
    import connectors.evm as evm

    assert sorted(evm.__all__) == sorted(
        ["NETWORKS", "AccountData", "Book", "EvmConnector", "Journal", "PricePoint", "Reserve", "Rpc", "Token",
         "TxSender", "Vault", "apy_from_history", "book_for", "connect", "load_account"]
    )  # fmt: skip
    assert all(hasattr(evm, name) for name in evm.__all__)
    assert evm.NETWORKS == ("devnet", "ethereum", "base", "arbitrum")
