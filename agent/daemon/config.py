"""The daemon's typed configuration, read once from the `[daemon]` table of agent.toml.

```toml
[daemon]                                            # the portfolio is Settings.portfolio
job_store = "sqlite:////var/lib/defai/jobs.sqlite"   # default: <data_dir>/jobs.sqlite
http_port = 9464                                    # 0 = pick a free port, -1 = no HTTP
webhook_url = "http://127.0.0.1:9000/defai"         # optional

[[daemon.strategies]]
name = "rebalance"
every = "1h"                       # or cron = "0 * * * *" (UTC)
params = { targets = "ETH:0.5,USDC:0.5" }
```
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from connectors.errors import ConfigError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def parse_duration(text: str | int | float) -> timedelta:
    """`"90s"`, `"15m"`, `"1h"`, `"1d"`, `"1w"`, `"500ms"` or a number of seconds -> a positive timedelta."""
    if isinstance(text, int | float):
        seconds = float(text)
    else:
        match = _DURATION.match(text)
        if not match:
            raise ValueError(f"not a duration: {text!r} (use e.g. '30s', '15m', '1h', '1d')")
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2) or "s"]
    if seconds <= 0:
        raise ValueError(f"duration must be positive, got {text!r}")
    return timedelta(seconds=seconds)


def check_name(value: str, what: str) -> str:
    """Names end up in job ids, thread ids and lock file names: keep them plain."""
    if not _NAME.match(value):
        raise ValueError(f"{what} {value!r} must be 1-64 characters of letters, digits, '_', '-', '.'")
    return value


_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _crontab_days(field: str) -> str:
    """Crontab day-of-week (0 or 7 = Sunday, 1 = Monday) -> APScheduler names (its 0 is Monday)."""
    if field == "*":
        return field
    days: list[str] = []
    for part in field.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if base == "*":
            lo, hi = 0, 6
        elif "-" in base:
            lo_text, hi_text = base.split("-", 1)
            if not (lo_text.isdigit() and hi_text.isdigit()):
                days.append(part.lower())
                continue
            lo, hi = int(lo_text), int(hi_text)
        elif base.isdigit():
            lo = int(base)
            hi = 6 if step_text else lo
        else:
            days.append(part.lower())
            continue
        if not (0 <= lo <= 7 and 0 <= hi <= 7 and lo <= hi and step > 0):
            raise ValueError(f"day of week {part!r} is out of range 0-7")
        days += [_DAYS[d] for d in range(lo, hi + 1, step)]
    return ",".join(dict.fromkeys(days))


def cron_trigger(expr: str, **kwargs: Any) -> Any:
    """A UTC APScheduler CronTrigger from a standard 5-field crontab line (minute hour day month dow)."""
    from apscheduler.triggers.cron import CronTrigger

    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(f"cron needs 5 fields (minute hour day month day-of-week), got {expr!r}")
    minute, hour, day, month, dow = fields
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=_crontab_days(dow),
        timezone="UTC",
        **kwargs,
    )


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Schedule(_Strict):
    """When a job runs: every fixed interval, or on a UTC cron expression (exactly one of the two)."""

    every: str | None = None
    cron: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Schedule:
        if (self.every is None) == (self.cron is None):
            raise ValueError("give exactly one of 'every' (e.g. '1h') or 'cron' (e.g. '0 * * * *')")
        if self.every is not None:
            parse_duration(self.every)
        if self.cron is not None:
            try:
                cron_trigger(self.cron)
            except ValueError as e:
                raise ValueError(f"bad cron expression {self.cron!r}: {e}") from None
        return self

    @property
    def interval(self) -> timedelta | None:
        return parse_duration(self.every) if self.every is not None else None

    def describe(self) -> str:
        return f"every {self.every}" if self.every is not None else f"cron '{self.cron}' UTC"


class StrategyJob(Schedule):
    """One configured strategy: run `name` with `params` on the schedule, in its own thread."""

    name: str
    id: str | None = Field(default=None, description="job id suffix; defaults to the strategy name")
    params: dict[str, Any] = Field(default_factory=dict, description="the strategy's config (JSON values)")

    @property
    def job_id(self) -> str:
        return f"strategy:{check_name(self.id or self.name, 'strategy id')}"


class DaemonConfig(_Strict):
    """Everything `defai run` needs beyond the core Settings."""

    job_store: str | None = Field(default=None, description="SQLAlchemy URL; default <data_dir>/jobs.sqlite")
    misfire_grace: str = "5m"
    poll: str = Field(default="2s", description="how often to look for jobs added by other processes")
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=9464, ge=-1, le=65535)
    webhook_url: str | None = None
    webhook_events: tuple[Literal["fill", "rejection", "error", "approval"], ...] = (
        "fill",
        "rejection",
        "error",
    )
    stale_after: str = Field(default="", description="healthz fails when the last tick is older; '' = 3x")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    strategies: tuple[StrategyJob, ...] = ()

    @field_validator("misfire_grace", "poll")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)
        return value

    @field_validator("http_host")
    @classmethod
    def _loopback(cls, value: str) -> str:
        host = "127.0.0.1" if value == "localhost" else value
        try:
            ok = ipaddress.ip_address(host).is_loopback
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(
                f"http_host must be a loopback address (health/metrics are local only), got {value!r}"
            )
        return host

    @field_validator("webhook_url")
    @classmethod
    def _webhook(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"webhook_url must be an http(s) URL, got {value!r}")
        return value or None

    @model_validator(mode="after")
    def _unique_ids(self) -> DaemonConfig:
        ids = [s.job_id for s in self.strategies]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate strategy job ids {dupes}: give each an 'id'")
        return self

    def job_store_url(self, data_dir: Path) -> str:
        """Same URL as `agent.settings.job_store_url` gives for the Settings read from the same file."""
        from agent.settings import default_job_store

        return self.job_store or default_job_store(data_dir)

    @property
    def misfire_grace_s(self) -> int:
        return max(1, int(parse_duration(self.misfire_grace).total_seconds()))

    @property
    def poll_s(self) -> float:
        return parse_duration(self.poll).total_seconds()


def load_daemon_config(path: Path | None) -> DaemonConfig:
    """Read `[daemon]` from a TOML file (other tables belong to the core Settings); no file = defaults."""
    if path is None:
        return DaemonConfig()
    try:
        raw = tomllib.loads(Path(path).read_text())
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path} is not valid TOML: {e}") from None
    section = raw.get("daemon", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [daemon] must be a table")
    try:
        return DaemonConfig.model_validate(section)
    except ValidationError as e:
        problems = "; ".join(
            f"daemon.{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors()
        )
        raise ConfigError(f"{path}: {problems}") from None
