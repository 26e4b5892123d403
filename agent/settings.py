"""Settings: read once at the entry point, passed down as typed sections.

Sources, strongest first: environment (`DEFAI_RISK__MAX_SLIPPAGE_BPS=30`), a TOML config file
(`--config` or `DEFAI_CONFIG`), defaults. Secrets are `SecretStr` and never leave this object in clear.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from agent.risk.policy import RiskPolicy
from connectors.errors import ConfigError


class McpSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: SecretStr | None = None
    trade_tokens: list[SecretStr] = Field(
        default_factory=list, description="tokens that also get the trade scope"
    )
    host: str = "127.0.0.1"
    port: int = 8765


class LlmSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model: str | None = Field(
        default=None, description="e.g. 'openai:gpt-4o-mini'; None = offline parser only"
    )


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "defai"


class Settings(BaseSettings):
    """Everything configurable. Paper mode is the default; live needs `mode=live` AND `live_enabled`."""

    model_config = SettingsConfigDict(
        env_prefix="DEFAI_", env_nested_delimiter="__", extra="forbid", frozen=True, toml_file=None
    )

    mode: Literal["paper", "live"] = "paper"
    live_enabled: bool = False
    data_dir: Path = Field(default_factory=_default_data_dir)
    portfolio: str = "default"
    risk: RiskPolicy = Field(default_factory=RiskPolicy)
    mcp: McpSettings = Field(default_factory=McpSettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)
    paper_cash_usdc: str = "100000"
    daemon: dict[str, Any] = Field(
        default_factory=dict, description="the [daemon] table; read by agent.daemon.config"
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="postgresql://user:pass@host/db for the ledger, kill switch and checkpoints"
        " (one schema per portfolio); None = SQLite files under data_dir",
    )

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: SecretStr | None) -> SecretStr | None:
        from agent.pg import SCHEMES

        scheme = value.get_secret_value().split("://", 1)[0].lower() if value is not None else None
        if value is not None and (scheme not in SCHEMES or "://" not in value.get_secret_value()):
            raise ValueError("must be a postgresql:// URL (leave unset for the SQLite files)")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config = os.environ.get("DEFAI_CONFIG")
        if config:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(config)))
        return tuple(sources)

    @property
    def live(self) -> bool:
        return self.mode == "live" and self.live_enabled

    @property
    def ledger_path(self) -> Path:
        return self.data_dir / f"{self.portfolio}.ledger.sqlite"

    @property
    def checkpoint_path(self) -> Path:
        return self.data_dir / f"{self.portfolio}.checkpoints.sqlite"

    @property
    def paper_store_path(self) -> Path:
        return self.data_dir / f"{self.portfolio}.paper.sqlite"

    @property
    def jobs_path(self) -> Path:
        return self.data_dir / "jobs.sqlite"  # the default job store: see `job_store_url`

    @property
    def kill_switch_path(self) -> Path:
        return self.data_dir / f"{self.portfolio}.risk.sqlite"

    @property
    def database_url_value(self) -> str | None:
        """The Postgres URL in clear, for opening connections only (never print it: see agent.pg.redact)."""
        return self.database_url.get_secret_value() if self.database_url is not None else None

    @property
    def database_schema(self) -> str:
        """This portfolio's Postgres schema (the SQLite equivalent is its own files under data_dir)."""
        from agent.pg import schema_for

        return schema_for(self.portfolio)


def default_job_store(data_dir: Path) -> str:
    """`<data_dir>/jobs.sqlite` as a SQLAlchemy URL: the job store when `[daemon]` names none."""
    return f"sqlite:///{(data_dir / 'jobs.sqlite').resolve()}"


def job_store_url(settings: Settings) -> str:
    """The job store shared by the daemon, `defai jobs`, DCA intents and the MCP tools.

    `[daemon].job_store` (a SQLAlchemy URL, as `agent.daemon.config.DaemonConfig` reads it), else
    `<data_dir>/jobs.sqlite`.
    """
    configured = settings.daemon.get("job_store")
    return str(configured) if configured else default_job_store(settings.data_dir)


def load_settings(config_path: Path | None = None, **overrides: Any) -> Settings:
    """Build settings once; a bad value raises ConfigError naming the setting."""
    from pydantic import ValidationError

    if config_path is not None:
        if not config_path.is_file():
            raise ConfigError(f"config file not found: {config_path}")
        os.environ["DEFAI_CONFIG"] = str(config_path)
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid settings: {problems}") from None
    if settings.mode == "live" and not settings.live_enabled:
        raise ConfigError("mode=live needs the explicit opt-in live_enabled=true (DEFAI_LIVE_ENABLED=1)")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings
