"""The optional LLM path, driven by langchain-core's fake chat models (no network)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage

from agent.intents import ClarifyIntent, SwapIntent, to_contract
from agent.intents.llm import LlmIntentParser, model_from_settings, understand
from connectors.errors import ConfigError

UNCLEAR = "my ether stack is too big, let half of it become USDC"


def _tool_model(args: dict[str, object]) -> GenericFakeChatModel:
    call = {"name": "IntentEnvelope", "args": args, "id": "call-1"}
    return GenericFakeChatModel(messages=iter([AIMessage(content="", tool_calls=[call])]))


def test_offline_parser_needs_help_on_this_phrasing() -> None:
    assert understand(UNCLEAR).kind == "clarify"


def test_json_answer_fills_the_gap_when_the_parser_clarifies() -> None:
    answer = json.dumps({"kind": "swap", "sell": "ETH", "buy": "USDC", "amount": "50%", "amount_in": "sell"})
    intent = understand(UNCLEAR, FakeListChatModel(responses=[f"```json\n{answer}\n```"]))
    assert to_contract(intent) == {
        "kind": "swap",
        "sell": "ETH",
        "buy": "USDC",
        "amount": "50%",
        "amount_in": "sell",
    }


def test_tool_call_answer_with_envelope() -> None:
    model = _tool_model({"intent": {"kind": "wrap", "amount": 2}})
    intent = understand("please make 2 of my ether into the wrapped kind", model)
    assert to_contract(intent) == {"kind": "wrap", "amount": 2}


def test_fallback_mode_does_not_call_the_model_when_the_parser_is_sure() -> None:
    model = FakeListChatModel(responses=['{"kind": "clarify", "question": "?"}'])
    intent = understand("swap 4 WETH for DAI", model)
    assert isinstance(intent, SwapIntent) and intent.amount == Decimal(4)
    assert model.i == 0  # the fake's response cursor never moved


def test_invented_asset_is_refused() -> None:
    model = _tool_model({"kind": "swap", "sell": "ETH", "buy": "DAI", "amount": 1, "amount_in": "sell"})
    intent = understand("dump one ether for dollars", model)
    assert isinstance(intent, ClarifyIntent) and "DAI" in intent.question


def test_invented_amount_is_refused() -> None:
    model = _tool_model({"kind": "swap", "sell": "ETH", "buy": "USDC", "amount": 7, "amount_in": "sell"})
    assert understand("get rid of some ether for USDC", model).kind == "clarify"


def test_invented_recipient_is_refused() -> None:
    to = "0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045"
    model = _tool_model({"kind": "transfer", "asset": "USDC", "amount": 5, "to": to})
    assert understand("give 5 USDC to my friend", model).kind == "clarify"


def test_invalid_answer_goes_through_the_same_validation() -> None:
    model = FakeListChatModel(responses=['{"kind": "swap", "sell": "ETH", "buy": "ETH", "amount": 1}'])
    intent = LlmIntentParser(model).parse("move my ether around a bit, 1 of it")
    assert isinstance(intent, ClarifyIntent) and "itself" in intent.question


def test_garbage_answer_becomes_a_question() -> None:
    model = FakeListChatModel(responses=["Sure! I'd love to help you with that."])
    assert LlmIntentParser(model).parse("do the thing with my ether").kind == "clarify"


def test_model_error_keeps_the_offline_answer() -> None:
    class Broken(FakeListChatModel):
        def _call(self, *args: object, **kwargs: object) -> str:
            raise RuntimeError("provider down")

    assert understand("tell me a joke", Broken(responses=["x"])).kind == "clarify"


def test_always_mode_prefers_a_confident_offline_parse_over_a_model_question() -> None:
    model = FakeListChatModel(responses=['{"kind": "clarify", "question": "Which asset?"}'])
    assert understand("wrap 3 eth", model, mode="always").kind == "wrap"


def test_no_model_configured_means_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEFAI_LLM__MODEL", raising=False)
    assert model_from_settings() is None


def test_configured_model_without_langchain_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("langchain_core")
    try:
        import langchain  # noqa: F401
    except ImportError:
        monkeypatch.setenv("DEFAI_LLM__MODEL", "openai:gpt-4o-mini")
        with pytest.raises(ConfigError, match="DEFAI_LLM__MODEL"):
            model_from_settings()
    else:
        pytest.skip("langchain is installed; init_chat_model would try the real provider")
