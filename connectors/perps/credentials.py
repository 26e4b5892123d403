"""Venue credentials from the environment or an encrypted keystore; never logged, never in errors.

Env names: ``DEFAI_PERPS__<VENUE>__API_KEY`` / ``__SECRET`` / ``__PASSWORD``; for Hyperliquid
``__WALLET_ADDRESS`` plus ``__PRIVATE_KEY`` (an agent wallet's key) or ``__KEYSTORE`` (path to an
encrypted JSON keystore) with ``__KEYSTORE_PASSWORD``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr

from connectors.errors import ConfigError


def env_name(venue: str, field: str) -> str:
    return f"DEFAI_PERPS__{venue.upper()}__{field.upper()}"


class VenueCredentials(BaseModel):
    """Secrets for one venue. `repr` and `str` show only which fields are set."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    venue: str
    api_key: SecretStr | None = None
    secret: SecretStr | None = None
    password: SecretStr | None = None
    wallet_address: str | None = None
    private_key: SecretStr | None = None

    @classmethod
    def from_env(cls, venue: str, environ: Mapping[str, str] | None = None) -> VenueCredentials:
        env = os.environ if environ is None else environ

        def get(field: str) -> str | None:
            value = env.get(env_name(venue, field), "").strip()
            return value or None

        private_key = get("private_key")
        keystore = get("keystore")
        if private_key is None and keystore is not None:
            private_key = _decrypt_keystore(venue, Path(keystore), get("keystore_password"))
        return cls(
            venue=venue,
            api_key=_secret(get("api_key")),
            secret=_secret(get("secret")),
            password=_secret(get("password")),
            wallet_address=get("wallet_address"),
            private_key=_secret(private_key),
        )

    def missing(self, required: Iterable[str]) -> list[str]:
        return [env_name(self.venue, f) for f in required if getattr(self, f) is None]

    def require(self, required: Iterable[str]) -> None:
        missing = self.missing(required)
        if missing:
            raise ConfigError(f"{self.venue}: trading needs credentials; set {', '.join(missing)}")

    def ccxt_config(self) -> dict[str, Any]:
        """The ccxt constructor keys for the secrets that are set (kept out of any log or error)."""
        config: dict[str, Any] = {}
        pairs = {
            "apiKey": self.api_key,
            "secret": self.secret,
            "password": self.password,
            "privateKey": self.private_key,
        }
        for key, value in pairs.items():
            if value is not None:
                config[key] = value.get_secret_value()
        if self.wallet_address:
            config["walletAddress"] = self.wallet_address
        return config

    def secret_values(self) -> list[str]:
        """Every secret string, for redaction of vendor messages."""
        values = [self.api_key, self.secret, self.password, self.private_key]
        return [v.get_secret_value() for v in values if v is not None and v.get_secret_value()]

    def __repr__(self) -> str:
        present = [f for f in ("api_key", "secret", "password", "private_key") if getattr(self, f)]
        return f"VenueCredentials(venue={self.venue!r}, set={present})"

    __str__ = __repr__


def _secret(value: str | None) -> SecretStr | None:
    return SecretStr(value) if value else None


def _decrypt_keystore(venue: str, path: Path, password: str | None) -> str:
    if password is None:
        raise ConfigError(
            f"{venue}: {env_name(venue, 'keystore')} is set but {env_name(venue, 'keystore_password')} is not"
        )
    try:
        from eth_account import Account

        data = json.loads(path.read_text())
        key: bytes = Account.decrypt(data, password)
    except FileNotFoundError:
        raise ConfigError(f"{venue}: keystore file {path} does not exist") from None
    except (ValueError, KeyError, json.JSONDecodeError):
        raise ConfigError(
            f"{venue}: cannot decrypt keystore {path} (wrong password or not a keystore)"
        ) from None
    return "0x" + key.hex().removeprefix("0x")
