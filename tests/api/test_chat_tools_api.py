"""An answer that uses a calculator, through `POST /api/send-message`.

EMI on ₹50 lakh at 8.5% for 20 years: P·r·(1+r)^n / ((1+r)^n − 1) with
r = 0.085/12 and n = 240 is ₹43,391 (rounded to the rupee).
"""

from __future__ import annotations

import json

from finucity.services import calculation_blocks
from tests.api.conftest import send, stored_message
from tests.fakes.fake_openai import Script, tool_results

EMI_ARGS = {"principal": 5_000_000, "rate": 8.5, "years": 20}


def _quote_the_figure(results: list[str]) -> list[str]:
    figure = json.loads(results[0])["figures"]["Monthly EMI"]
    return ["Your EMI ", f"comes to {figure} a month."]


async def test_the_model_calls_the_calculator_and_the_answer_carries_its_result(database, api, ai_fake):
    user = await api.signup()
    ai_fake.set_default(Script(tool_calls=[("emi", EMI_ARGS)], after_tool=_quote_the_figure))

    response = await send(user.client, "EMI on 50 lakh at 8.5% for 20 years?", headers=user.csrf_headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "complete"
    (calculation,) = body["calculations"]
    assert calculation["kind"] == "emi" and calculation["figures"][0]["text"] == "₹43,391"
    assert calculation["rule_set"] and calculation["rule_date"]
    # The model received the calculator's result and quoted it.
    follow_up = ai_fake.requests[-1]
    assert json.loads(tool_results(follow_up)[0])["figures"]["Monthly EMI"] == "₹43,391"
    text, cards = calculation_blocks.split(body["response"])
    assert text == "Your EMI comes to ₹43,391 a month." and cards == [calculation]
    # Saved with its card: a reload, another worker or the history shows it too.
    stored = await stored_message(body["message_id"])
    assert stored.content == body["response"]


async def test_a_model_without_tools_still_answers_with_the_offline_calculators_card(database, api, ai_fake):
    user = await api.signup()
    ai_fake.set_default(Script(reject_tools=True, chunks=["About ", "₹43,391 a month."]))

    response = await send(user.client, "EMI on 50 lakh at 8.5% for 20 years?", headers=user.csrf_headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "complete"
    assert [c["figures"][0]["text"] for c in body["calculations"]] == ["₹43,391"]
    assert calculation_blocks.split(body["response"])[0] == "About ₹43,391 a month."
    refused, answered = ai_fake.requests
    assert "tools" in refused and "tools" not in answered


async def test_an_earlier_card_reaches_the_model_as_a_one_line_summary(database, api, ai_fake):
    user = await api.signup()
    ai_fake.set_default(Script(tool_calls=[("emi", EMI_ARGS)], after_tool=_quote_the_figure))
    first = (await send(user.client, "EMI on 50 lakh at 8.5% for 20 years?", headers=user.csrf_headers)).json()

    ai_fake.set_default(Script(chunks=["Yes."]))
    await send(user.client, "Is that fixed?", headers=user.csrf_headers, conversation_id=first["conversation_id"])

    history = json.dumps(ai_fake.requests[-1]["messages"], ensure_ascii=False)
    assert "Monthly EMI: ₹43,391" in history
    assert "finucity-calc" not in history and "Principal" not in history  # no schedule, no block
