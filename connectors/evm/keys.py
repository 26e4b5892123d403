"""Where the signing key comes from: env, an encrypted keystore, or (devnet only) anvil's test accounts.

The key lives only inside the eth-account object; it is never logged, returned or put in messages.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from connectors.errors import ConfigError

KEY_ENV = "DEFAI_EVM__PRIVATE_KEY"
KEYSTORE_ENV = "DEFAI_EVM__KEYSTORE"
PASSWORD_ENV = "DEFAI_EVM__KEYSTORE_PASSWORD"
PASSWORD_FILE_ENV = "DEFAI_EVM__KEYSTORE_PASSWORD_FILE"


def _from_key(key: str, source: str) -> LocalAccount:
    try:
        account: LocalAccount = Account.from_key(key.strip())
    except Exception:  # the message could echo the key: replace it
        raise ConfigError(f"the private key in {source} is not a valid 32-byte hex key") from None
    return account


def _password() -> str:
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if os.environ.get(PASSWORD_FILE_ENV):
        return Path(os.environ[PASSWORD_FILE_ENV]).read_text().rstrip("\n")
    raise ConfigError(f"the keystore needs a password: set {PASSWORD_ENV} or {PASSWORD_FILE_ENV}")


def from_keystore(path: Path) -> LocalAccount:
    if not path.is_file():
        raise ConfigError(f"keystore file {path} not found")
    try:
        key = Account.decrypt(json.loads(path.read_text()), _password())
    except ValueError:
        raise ConfigError(f"could not decrypt keystore {path}: wrong password or damaged file") from None
    account: LocalAccount = Account.from_key(key)
    return account


def _devnet_account(selector: str | None) -> LocalAccount:
    from connectors.evm.devnet.runtime import test_accounts

    accounts = test_accounts()
    if selector is None:
        return _from_key(accounts[0]["private_key"], "anvil test account 0")
    if selector.isdigit() and int(selector) < len(accounts):
        return _from_key(accounts[int(selector)]["private_key"], f"anvil test account {selector}")
    for acct in accounts:
        if acct["address"].lower() == selector.lower():
            return _from_key(acct["private_key"], "anvil test account")
    raise ConfigError(
        f"account {selector!r} is not one of the devnet's test accounts (use 0-9 or an address)"
    )


def load_account(network: str, account: str | None = None) -> LocalAccount:
    """Pick the signer. `account`: a keystore path, or on devnet a test-account index/address.

    Otherwise: DEFAI_EVM__PRIVATE_KEY, then DEFAI_EVM__KEYSTORE; on devnet, anvil's first test account.
    """
    if account is not None and Path(account).expanduser().is_file():
        return from_keystore(Path(account).expanduser())
    if account is not None:
        if network != "devnet":
            raise ConfigError(f"account {account!r} is not a keystore file")
        return _devnet_account(account)
    if os.environ.get(KEY_ENV):
        return _from_key(os.environ[KEY_ENV], KEY_ENV)
    if os.environ.get(KEYSTORE_ENV):
        return from_keystore(Path(os.environ[KEYSTORE_ENV]).expanduser())
    if network == "devnet":
        return _devnet_account(None)
    raise ConfigError(f"no signing key for {network}: set {KEY_ENV} or {KEYSTORE_ENV} (+ {PASSWORD_ENV})")
