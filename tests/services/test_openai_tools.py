"""`OpenAIProvider` calling the calculators through the fake OpenAI server's tool calls.

EMI on ₹50 lakh at 8.5% for 20 years: ₹43,391 (see tests/services/test_ai_tools.py).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from finucity.config import Settings
from finucity.services import calculation_blocks
from finucity.services.ai import tools
from finucity.services.ai.openai_provider import OpenAIProvider
from finucity.services.ai.provider import ProviderError, Usage
from tests.fakes.fake_openai import FakeOpenAI, Script, tool_results

EMI_ARGS = {"principal": 5_000_000, "rate": 8.5, "years": 20}
EMI_QUESTION = "What is the EMI on a loan of 50 lakh at 8.5% for 20 years?"


def _from_tool(results: list[str]) -> list[str]:
    """The fake model's answer: it quotes the figure the calculator returned."""
    figures = json.loads(results[0]).get("figures", {})
    return ["Your monthly ", f"EMI is {figures.get('Monthly EMI', 'unknown')}."]


@pytest_asyncio.fixture
async def provider(fake_openai: FakeOpenAI) -> AsyncIterator[OpenAIProvider]:
    settings: dict[str, Any] = {
        "ai_base_url": fake_openai.base_url,
        "ai_api_key": "sk-test-tools",
        "ai_model": "openai/gpt-4o-mini",
        "ai_timeout_s": 5,
    }
    provider = OpenAIProvider(Settings(_env_file=None, **settings))  # type: ignore[call-arg]
    yield provider
    await provider.client.close()


async def answer(provider: OpenAIProvider, question: str = EMI_QUESTION, usage: Usage | None = None) -> str:
    messages = [{"role": "system", "content": "You are Finucity."}, {"role": "user", "content": question}]
    pieces = [p async for p in provider.stream(messages, max_tokens=256, temperature=0.2, usage=usage or Usage())]
    return "".join(pieces)


@pytest.mark.asyncio
async def test_a_tool_call_runs_the_calculator_and_the_answer_carries_its_card(provider, fake_openai):
    fake_openai.set_default(Script(tool_calls=[("emi", EMI_ARGS)], after_tool=_from_tool, usage=(10, 5)))
    usage = Usage()

    text = await answer(provider, usage=usage)

    words, cards = calculation_blocks.split(text)
    assert words == "Your monthly EMI is ₹43,391."
    (card,) = cards
    assert card["kind"] == "emi" and card["figures"][0]["text"] == "₹43,391"
    assert card["rule_set"] and card["rule_date_text"]
    # The model got the result back, paired with its call, and the figure in rupees.
    first, second = fake_openai.requests
    assert first["tool_choice"] == "auto"
    asked, answered = second["messages"][-2:]
    assert asked["role"] == "assistant" and asked["tool_calls"][0]["id"] == "call_fake0"
    assert json.loads(asked["tool_calls"][0]["function"]["arguments"]) == EMI_ARGS
    assert answered == {"role": "tool", "tool_call_id": "call_fake0", "content": tool_results(second)[0]}
    assert json.loads(answered["content"])["figures"]["Monthly EMI"] == "₹43,391"
    # Both requests' tokens count.
    assert (usage.tokens_in, usage.tokens_out) == (20, 10)


@pytest.mark.asyncio
async def test_bad_arguments_go_back_to_the_model_as_an_error_and_no_card_is_shown(provider, fake_openai):
    fake_openai.set_default(Script(tool_calls=[("emi", '{"principal": "lots"')], after_tool=lambda r: [r[0]]))

    text = await answer(provider)

    words, cards = calculation_blocks.split(text)
    assert cards == []
    assert "not valid JSON" in json.loads(words)["error"]


@pytest.mark.asyncio
async def test_a_model_that_keeps_calling_is_cut_off_after_the_last_round(provider, fake_openai):
    fake_openai.set_default(
        Script(tool_calls=[("emi", EMI_ARGS)], repeat_tool_calls=True, chunks=["Here is the answer."])
    )

    text = await answer(provider)

    assert len(fake_openai.requests) == tools.MAX_ROUNDS + 1
    assert fake_openai.requests[-1]["tool_choice"] == "none"
    words, cards = calculation_blocks.split(text)
    assert words == "Here is the answer." and len(cards) == tools.MAX_ROUNDS


@pytest.mark.asyncio
async def test_a_model_without_tools_is_asked_again_without_them_and_the_offline_card_is_attached(
    provider, fake_openai
):
    fake_openai.set_default(Script(reject_tools=True, chunks=["The EMI is ", "₹43,391 a month."]))

    text = await answer(provider)

    words, cards = calculation_blocks.split(text)
    assert words == "The EMI is ₹43,391 a month."
    assert [c["figures"][0]["text"] for c in cards] == ["₹43,391"]
    refused, retried = fake_openai.requests
    assert refused["tools"] and "tools" not in retried
    # The model is given the calculator's figures to use.
    assert "₹43,391" in json.dumps(retried["messages"], ensure_ascii=False)
    assert provider.tools_supported is False

    # Remembered: the next answer does not offer tools, and a question with no
    # calculation in it gets no card.
    fake_openai.reset()
    fake_openai.set_default(Script(reject_tools=True, chunks=["Section 80C covers PPF."]))
    assert await answer(provider, "Is PPF under 80C?") == "Section 80C covers PPF."
    (only,) = fake_openai.requests
    assert "tools" not in only


@pytest.mark.asyncio
async def test_another_bad_request_is_not_mistaken_for_a_model_without_tools(provider, fake_openai):
    fake_openai.set_default(Script(status=400))

    with pytest.raises(ProviderError) as raised:
        await answer(provider)

    assert raised.value.code == "bad_request"
    assert provider.tools_supported is True
