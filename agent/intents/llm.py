"""Optional LLM path: any LangChain chat model turns text into the same typed intent.

The model's answer is distrusted: it goes through the same pydantic validation as everything else,
and a grounding check refuses symbols, addresses or numbers that the user never wrote. Anything that
fails becomes a clarification. The deterministic parser stays the default and the fallback.
"""

from __future__ import annotations

import json
import logging
import os
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, ValidationError

from agent.intents.models import SYMBOL_FIELDS, ClarifyIntent, Intent, fraction_of, intent_from_dict
from agent.intents.parser import parse
from agent.intents.scan import Tok, tokenize
from connectors.errors import ConfigError

log = logging.getLogger(__name__)

SYSTEM_PROMPT = """You convert one DeFi trading request into exactly one intent object.
Kinds and fields (symbols upper-case; amounts are numbers, "all", or a share like "25%"):
- swap: sell, buy, amount, amount_in ("sell"|"buy": which asset the amount counts), venue?, max_slippage_bps?
- wrap / unwrap: amount
- supply / withdraw / borrow / repay: asset, amount, protocol?
- open_position: market, side (long|short), size, size_unit (base|usd), leverage?, stop_loss?, take_profit?,
  stop_loss_pct?, take_profit_pct?, venue?
- close_position: market, side?, fraction (0-1]
- transfer: asset, amount, to (a 0x address copied exactly from the request)
- dca: buy, sell, amount, amount_in, interval ("4h", "1d", "1w"), count
- yield_goal: principal_asset, principal_amount, target_income (USD), period (day|week|month|year)
- rebalance: asset?, objective?
- clarify: question
Never guess: if an amount, an asset, a side or an address is missing or ambiguous, or the request is
off-topic, answer kind "clarify" with one specific question. Use only assets and numbers the user wrote."""


class IntentEnvelope(BaseModel):
    """Structured-output wrapper: the model fills `intent` with one intent object."""

    intent: Intent


def _first_json_object(text: str) -> dict[str, Any] | None:
    text = re.sub(r"^```(?:json)?|```$", "", text.strip(), flags=re.MULTILINE).strip()
    start = text.find("{")
    if start < 0:
        return None
    try:
        obj, _ = json.JSONDecoder().raw_decode(text[start:])
    except json.JSONDecodeError:
        return None
    return obj if isinstance(obj, dict) else None


def _payload(message: AIMessage) -> dict[str, Any] | None:
    """The intent dict from a tool call or from JSON text, unwrapping an {"intent": …} envelope."""
    data: dict[str, Any] | None = None
    if message.tool_calls:
        data = dict(message.tool_calls[0]["args"])
    elif isinstance(message.content, str):
        data = _first_json_object(message.content)
    if data is not None and isinstance(data.get("intent"), dict):
        data = data["intent"]
    return data


def _numbers_in(toks: list[Tok]) -> set[Decimal]:
    values: set[Decimal] = set()
    for tok in toks:
        if tok.value is not None:
            values.add(abs(tok.value))
            if tok.kind == "frac":
                values.add((tok.value * 100).quantize(Decimal("0.01")))
    return values


_CHECKED_NUMBERS = ("amount", "size", "principal_amount", "target_income", "leverage", "stop_loss",
                    "take_profit", "stop_loss_pct", "take_profit_pct", "max_slippage_bps")  # fmt: skip


def ungrounded(intent: Intent, text: str) -> str | None:
    """Why the intent uses something the user never wrote, or None when it is grounded in the text."""
    if isinstance(intent, ClarifyIntent):
        return None
    toks = tokenize(text)
    symbols = {t.asset for t in toks if t.asset}
    if getattr(intent, "kind", "") in ("wrap", "unwrap"):
        symbols |= {"ETH", "WETH"}
    for name in SYMBOL_FIELDS:
        value = getattr(intent, name, None)
        if value is None or value in symbols:
            continue
        if name == "sell" and value == "USDC" and intent.kind == "dca":
            continue
        return f"{value} was not in the request"
    to = getattr(intent, "to", None)
    if to is not None and to.lower() not in text.lower():
        return "the recipient address was not in the request"
    numbers = _numbers_in(toks)
    products = {a * b for a in numbers for b in numbers}
    for name in _CHECKED_NUMBERS:
        value = getattr(intent, name, None)
        if value is None or value == "all":
            continue
        try:
            number = fraction_of(value) * 100 if isinstance(value, str) else Decimal(value)
        except InvalidOperation:
            return f"{name} {value!r} is not a number"
        if name == "max_slippage_bps":
            if number not in numbers and number / 100 not in numbers:
                return f"slippage {value} bps was not in the request"
            continue
        if (
            number not in numbers
            and number not in products
            and number.quantize(Decimal("0.01")) not in numbers
        ):
            return f"{name} {value} was not in the request"
    return None


class LlmIntentParser:
    """Ask a chat model for an intent; validate and ground it; clarify on any doubt."""

    def __init__(self, model: BaseChatModel) -> None:
        self.model = model

    def _ask(self, text: str) -> dict[str, Any] | None:
        messages = [SystemMessage(SYSTEM_PROMPT), HumanMessage(text)]
        try:
            structured = self.model.with_structured_output(IntentEnvelope, include_raw=True)
        except NotImplementedError:
            reply = self.model.invoke(messages)
            return _payload(reply) if isinstance(reply, AIMessage) else None
        result = structured.invoke(messages)
        assert isinstance(result, dict)
        parsed = result.get("parsed")
        if isinstance(parsed, IntentEnvelope):
            return parsed.intent.model_dump(mode="json")
        raw = result.get("raw")
        return _payload(raw) if isinstance(raw, AIMessage) else None

    def parse(self, text: str) -> Intent:
        data = self._ask(text)
        if data is None:
            return ClarifyIntent(
                question="I couldn't read that request; can you rephrase it with amounts and assets?"
            )
        try:
            intent = intent_from_dict(data)
        except ValidationError as err:
            problem = str(err.errors()[0].get("msg", "invalid")).removeprefix("Value error, ")
            return ClarifyIntent(
                question=f"I couldn't turn that into a safe action ({problem}); can you rephrase it?"
            )
        reason = ungrounded(intent, text)
        if reason:
            return ClarifyIntent(
                question=f"I'm not sure ({reason}); can you state the amounts and assets exactly?"
            )
        return intent


def understand(
    text: str, model: BaseChatModel | None = None, mode: Literal["fallback", "always"] = "fallback"
) -> Intent:
    """Deterministic parse first; the model is asked when it is configured and the parser needs help
    (mode="fallback") or for every request (mode="always"). A model error never breaks parsing."""
    first = parse(text)
    if model is None or (mode == "fallback" and not isinstance(first, ClarifyIntent)):
        return first
    try:
        second = LlmIntentParser(model).parse(text)
    except Exception as err:  # provider errors vary; the offline answer stands
        log.warning("llm intent parse failed", extra={"error": type(err).__name__})
        return first
    if isinstance(second, ClarifyIntent) and not isinstance(first, ClarifyIntent):
        return first
    return second


def model_from_settings(model_name: str | None = None) -> BaseChatModel | None:
    """The configured chat model (`DEFAI_LLM__MODEL`, e.g. 'openai:gpt-4o-mini'), or None for offline."""
    name = model_name or os.environ.get("DEFAI_LLM__MODEL") or None
    if not name:
        return None
    try:
        from langchain.chat_models import init_chat_model  # type: ignore[import-not-found]
    except ImportError as err:
        raise ConfigError(
            f"DEFAI_LLM__MODEL={name!r} needs the `langchain` package and its provider package "
            "(e.g. `pip install langchain langchain-openai`)"
        ) from err
    model: BaseChatModel = init_chat_model(name)
    return model


def understand_with_settings(text: str) -> Intent:
    """`understand` with the model named by settings (offline when none is configured)."""
    return understand(text, model_from_settings())
