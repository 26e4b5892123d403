"""The risk gate: every proposal gets a verdict listing each violated limit with its reason."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from pydantic import BaseModel, ConfigDict

from agent.risk.exposure import assets_of, notional_usd, opened_usd, reduces_risk, usd_price
from agent.risk.killswitch import TradingState
from agent.risk.policy import RiskPolicy
from connectors.domain import (
    Action,
    Borrow,
    Holdings,
    MarketView,
    OpenPosition,
    Quote,
    SizeUnit,
    Supply,
    Swap,
    Transfer,
    Unwrap,
    Verdict,
    VerdictStatus,
    Violation,
    Withdraw,
    Wrap,
    validated,
)


class Proposal(BaseModel):
    """An action the agent wants to take, with its deterministic client id."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    client_id: str
    action: Action
    source: str = "strategy"


CENT = Decimal("0.01")
ZERO = Decimal(0)
RESIZED = ":resized"
"""Suffix of a violation that only records a change (the action was resized); it does not block."""


@dataclass(frozen=True)
class DayStats:
    """What already happened today (UTC), from the ledger."""

    notional_usd: Decimal = Decimal(0)
    realized_pnl_usd: Decimal = Decimal(0)


@dataclass(slots=True)
class _Ctx:
    book: Holdings
    view: MarketView
    day: DayStats
    spent: Decimal
    reducing: bool
    state: TradingState
    quote: Quote | None


@dataclass(slots=True)
class _Check:
    action: Action
    notional: Decimal | None
    violations: list[Violation]
    resized: bool = False


Rule = Callable[[_Check, _Ctx], None]

F = TypeVar("F", bound=Callable[..., None])


def _acts_on(*kinds: type) -> Callable[[F], F]:
    """Declare the action types a rule can act on (it still checks its own); the gate skips it for
    other types. Undeclared rules run for every action."""

    def mark(rule: F) -> F:
        setattr(rule, "acts_on", kinds)  # noqa: B010 (an attribute on the function, read by `_rules_for`)
        return rule

    return mark


def _blocks(violations: list[Violation]) -> bool:
    """True when a violation rejects the action (a resizing one only records what changed)."""
    return any(not v.rule.endswith(RESIZED) for v in violations)


def _after_wrap(book: Holdings, action: Wrap | Unwrap) -> Holdings:
    """Wraps change balances 1:1, so a "wrap then swap the WETH" batch is judged on what it will hold."""
    if action.amount == "all":
        return book
    src, dst = ("ETH", "WETH") if isinstance(action, Wrap) else ("WETH", "ETH")
    amount = Decimal(action.amount)
    balances = dict(book.balances)
    balances[src] = balances.get(src, Decimal(0)) - amount
    balances[dst] = balances.get(dst, Decimal(0)) + amount
    return book.model_copy(update={"balances": balances})


class RiskGate:
    """Pure function of (policy, trading state, proposals, holdings, view, day): easy to test, no I/O."""

    def __init__(self, policy: RiskPolicy) -> None:
        self.policy = policy
        self._rules: tuple[Rule, ...] = (
            self._kill_switch,
            self._priced,
            self._allowlists,
            self._leverage,
            self._slippage,
            self._balance,
            self._per_action,
            self._per_day,
            self._position,
            self._daily_loss,
            self._health,
        )
        self._rules_by_type: dict[type, tuple[Rule, ...]] = {}

    def _rules_for(self, kind: type) -> tuple[Rule, ...]:
        """The rules, in order, less those scoped to other action types (computed once per type)."""
        rules = self._rules_by_type.get(kind)
        if rules is None:
            rules = tuple(r for r in self._rules if issubclass(kind, getattr(r, "acts_on", object)))
            self._rules_by_type[kind] = rules
        return rules

    def evaluate(
        self,
        proposals: Sequence[Proposal],
        book: Holdings,
        view: MarketView,
        day: DayStats = DayStats(),
        state: TradingState = TradingState.ACTIVE,
        quotes: dict[str, Quote] | None = None,
    ) -> list[Verdict]:
        spent = day.notional_usd
        verdicts = []
        for proposal in proposals:
            quote = quotes.get(proposal.client_id) if quotes else None
            verdict, notional = self._one(proposal, book, view, day, spent, state, quote)
            if verdict.passed:
                spent += notional
                if isinstance(verdict.action, (Wrap, Unwrap)):
                    book = _after_wrap(book, verdict.action)
            verdicts.append(verdict)
        return verdicts

    def _one(
        self,
        p: Proposal,
        book: Holdings,
        view: MarketView,
        day: DayStats,
        spent: Decimal,
        state: TradingState,
        quote: Quote | None,
    ) -> tuple[Verdict, Decimal]:
        """The verdict and the notional it states (to the cent), which a passed one adds to the day's."""
        action = p.action
        check = _Check(action, notional_usd(action, book, view), [])
        ctx = _Ctx(book, view, day, spent, reduces_risk(action, book), state, quote)
        for rule in self._rules_for(type(action)):
            rule(check, ctx)
        notional = check.notional if check.notional is not None else ZERO
        if check.violations and _blocks(check.violations):
            status = VerdictStatus.REJECTED
        elif check.resized:
            status = VerdictStatus.RESIZED
        else:
            status = VerdictStatus.APPROVED
        needs_approval = (
            status is not VerdictStatus.REJECTED and notional > self.policy.approval_threshold_usd
        )
        cents = notional.quantize(CENT)
        fields = {
            "client_id": p.client_id,
            "status": status,
            "action": check.action,
            "original": action if check.resized else None,
            "violations": tuple(check.violations),
            "needs_approval": needs_approval,
            "notional_usd": str(cents),
        }
        verdict = validated(Verdict, fields)
        return verdict, cents

    # ---- rules: each appends violations; resizing rules replace check.action -------------------

    def _kill_switch(self, c: _Check, x: _Ctx) -> None:
        if x.state is TradingState.ACTIVE:
            return
        if x.state is TradingState.HALTED:
            c.violations.append(Violation(rule="kill_switch", reason="trading is HALTED; nothing executes"))
        elif x.state is TradingState.REDUCING and not x.reducing:
            c.violations.append(
                Violation(rule="kill_switch", reason="trading is REDUCING; only risk-reducing actions pass")
            )

    def _priced(self, c: _Check, x: _Ctx) -> None:
        if c.notional is None:
            missing = [a for a in assets_of(c.action) if usd_price(a, x.view) is None]
            c.violations.append(Violation(rule="unpriced", reason=f"no USD price for {', '.join(missing)}"))

    def _allowlists(self, c: _Check, x: _Ctx) -> None:
        pol = self.policy
        if pol.allowed_assets is not None and not x.reducing:  # an exit is never blocked by an allowlist
            allowed = {a.upper() for a in pol.allowed_assets}
            for asset in assets_of(c.action):
                if asset not in allowed:
                    c.violations.append(
                        Violation(rule="asset_allowlist", reason=f"{asset} is not an allowed asset")
                    )
        if pol.allowed_venues is not None and c.action.venue and c.action.venue not in pol.allowed_venues:
            c.violations.append(
                Violation(rule="venue_allowlist", reason=f"venue {c.action.venue} is not allowed")
            )
        if isinstance(c.action, Transfer):
            recipients = {a.lower() for a in pol.allowed_contracts or ()}
            if c.action.to.lower() not in recipients:
                c.violations.append(
                    Violation(
                        rule="address_allowlist", reason=f"recipient {c.action.to} is not on the allowlist"
                    )
                )

    @_acts_on(OpenPosition)
    def _leverage(self, c: _Check, x: _Ctx) -> None:
        if isinstance(c.action, OpenPosition) and c.action.leverage > self.policy.max_leverage:
            c.violations.append(
                Violation(
                    rule="max_leverage", reason=f"{c.action.leverage}x exceeds {self.policy.max_leverage}x"
                )
            )

    @_acts_on(Swap)
    def _slippage(self, c: _Check, x: _Ctx) -> None:
        if not isinstance(c.action, Swap):
            return
        limit = self.policy.max_slippage_bps
        asked = c.action.max_slippage_bps
        if asked is None or asked > limit:
            c.action = c.action.model_copy(update={"max_slippage_bps": limit})
            if asked is not None:
                c.resized = True
                c.violations.append(
                    Violation(
                        rule=f"max_slippage{RESIZED}", reason=f"slippage {asked} bps capped to {limit} bps"
                    )
                )
        if x.quote is not None and x.quote.price_impact_bps > limit:
            c.violations.append(
                Violation(
                    rule="max_slippage",
                    reason=f"price impact {x.quote.price_impact_bps:.1f} bps exceeds {limit} bps",
                )
            )

    @_acts_on(Swap, Transfer, Supply)
    def _balance(self, c: _Check, x: _Ctx) -> None:
        a = c.action
        if isinstance(a, Swap) and a.amount_in == "sell" and a.amount != "all":
            asset, need = a.sell.upper(), Decimal(a.amount)
        elif isinstance(a, (Transfer, Supply)) and a.amount != "all":
            asset, need = a.asset.upper(), Decimal(a.amount)
        else:
            return
        have = x.book.balance(asset)
        if need > have:
            c.violations.append(
                Violation(
                    rule="balance",
                    reason=f"amount is in {asset} units; you asked for {need:f} {asset} but hold {have:f}",
                )
            )

    def _per_action(self, c: _Check, x: _Ctx) -> None:
        cap = self.policy.max_notional_per_action_usd
        if c.notional is not None and c.notional > cap:
            self._shrink(
                c, cap, "max_notional_per_action", f"${c.notional:,.2f} exceeds ${cap:,.2f} per action"
            )

    def _per_day(self, c: _Check, x: _Ctx) -> None:
        room = self.policy.max_notional_per_day_usd - x.spent
        if c.notional is not None and c.notional > room and not x.reducing:
            self._shrink(
                c,
                max(room, Decimal(0)),
                "max_notional_per_day",
                f"only ${max(room, Decimal(0)):,.2f} left today",
            )

    @_acts_on(OpenPosition)
    def _position(self, c: _Check, x: _Ctx) -> None:
        a = c.action
        if not isinstance(a, OpenPosition) or x.reducing or c.notional is None:
            return
        pos = x.book.position(a.market)
        current = pos.notional if pos is not None and pos.side is a.side else ZERO
        room = self.policy.max_position_usd_per_market - current
        opened = opened_usd(a, x.view) if a.reverse else c.notional  # a reversal's closing leg adds nothing
        if opened is not None and opened > room:
            self._shrink(
                c,
                max(room, Decimal(0)),
                "max_position",
                f"{a.market} position would exceed ${self.policy.max_position_usd_per_market:,.2f}",
            )

    def _daily_loss(self, c: _Check, x: _Ctx) -> None:
        unrealized = ZERO
        for p in x.book.positions:
            unrealized += p.unrealized_pnl
        loss = -(x.day.realized_pnl_usd + unrealized)
        if loss >= self.policy.daily_loss_limit_usd and not x.reducing:
            c.violations.append(
                Violation(
                    rule="daily_loss_limit",
                    reason=f"today's loss ${loss:,.2f} reached the "
                    f"${self.policy.daily_loss_limit_usd:,.2f} limit; only risk-reducing actions pass",
                )
            )

    @_acts_on(Borrow, Withdraw)
    def _health(self, c: _Check, x: _Ctx) -> None:
        a = c.action
        if not isinstance(a, (Borrow, Withdraw)) or c.notional is None:
            return
        lt = self.policy.assumed_liquidation_threshold
        collateral = (
            sum((v * (usd_price(k, x.view) or 0) for k, v in x.book.supplied.items()), Decimal(0)) * lt
        )
        debt = sum((v * (usd_price(k, x.view) or 0) for k, v in x.book.borrowed.items()), Decimal(0))
        if isinstance(a, Borrow):
            debt += c.notional
        else:
            collateral -= c.notional * lt
        if debt <= 0:
            return
        hf = collateral / debt
        if hf < self.policy.min_health_factor:
            c.violations.append(
                Violation(
                    rule="min_health_factor",
                    reason=f"health factor after {a.kind} would be {hf:.2f}, "
                    f"below {self.policy.min_health_factor}",
                )
            )

    def _shrink(self, c: _Check, target_usd: Decimal, rule: str, reason: str) -> None:
        """Resize an action down to `target_usd` when the policy allows and the action is resizable."""
        a, n = c.action, c.notional
        if self.policy.resize_to_limits and n and target_usd > 0:
            factor = target_usd / n
            if isinstance(a, Swap) and a.amount != "all":
                c.action = a.model_copy(
                    update={"amount": (Decimal(a.amount) * factor).quantize(Decimal("1e-8"))}
                )
            elif isinstance(a, OpenPosition) and not a.reverse:  # a reversal's legs do not scale together
                size = (a.size * factor).quantize(Decimal("1e-8"))
                c.action = a.model_copy(
                    update={"size": size if a.size_unit is SizeUnit.BASE else size.quantize(Decimal("0.01"))}
                )
            else:
                c.violations.append(Violation(rule=rule, reason=reason))
                return
            c.notional = target_usd
            c.resized = True
            c.violations.append(
                Violation(rule=f"{rule}{RESIZED}", reason=f"{reason}; resized to ${target_usd:,.2f}")
            )
            return
        c.violations.append(Violation(rule=rule, reason=reason))
