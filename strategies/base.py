"""Strategies are pure: a market view and holdings in, intended actions (each with a reason) out.

A strategy never talks to a venue, never reads a clock and keeps no hidden state between ticks, so
the same strategy runs live, on paper and in a backtest with identical decisions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ConfigDict, ValidationError

from connectors.domain import Action, Holdings, MarketView
from connectors.errors import ConfigError


class StrategyConfig(BaseModel):
    """Base for strategy parameters: frozen, typed, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


@runtime_checkable
class Strategy(Protocol):
    name: str
    symbols: tuple[str, ...]
    lookback: int

    def decide(self, view: MarketView, book: Holdings) -> list[Action]: ...


@dataclass(frozen=True)
class StrategyInfo:
    name: str
    summary: str
    params: dict[str, Any]


C = TypeVar("C", bound=StrategyConfig)
_REGISTRY: dict[str, tuple[type[StrategyConfig], Callable[[Any], Strategy], str]] = {}


def register(
    name: str, config: type[C], summary: str
) -> Callable[[Callable[[C], Strategy]], Callable[[C], Strategy]]:
    """Class or factory decorator: `@register("sma_cross", SmaCrossConfig, "...")`."""

    def wrap(factory: Callable[[C], Strategy]) -> Callable[[C], Strategy]:
        _REGISTRY[name] = (config, factory, summary)
        return factory

    return wrap


def _load_builtins() -> None:
    import importlib

    for module in (
        "strategies.sma_cross",
        "strategies.rebalance",
        "strategies.funding_carry",
        "strategies.demo",
    ):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def get_strategy(name: str, params: dict[str, Any] | None = None) -> Strategy:
    """Build a registered strategy; bad params raise ConfigError naming the parameter."""
    _load_builtins()
    if name not in _REGISTRY:
        raise ConfigError(f"unknown strategy {name!r}; known: {', '.join(sorted(_REGISTRY))}")
    config_type, factory, _ = _REGISTRY[name]
    try:
        config = config_type.model_validate(params or {})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"strategy {name}: {problems}") from None
    return factory(config)


def list_strategies() -> list[StrategyInfo]:
    _load_builtins()
    return [
        StrategyInfo(name, summary, {k: str(f.annotation) for k, f in config.model_fields.items()})
        for name, (config, _, summary) in sorted(_REGISTRY.items())
    ]


class BaseStrategy:
    """Convenience base holding a typed config."""

    name: str
    symbols: tuple[str, ...]
    lookback: int

    def __init__(self, config: StrategyConfig) -> None:
        self.config = config
