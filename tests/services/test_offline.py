"""The built-in offline assistant: its answers, its numbers, and its stream.

Expected figures are worked out here from the published slab tables and
formulas, not copied from the engine's output.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from finucity.models import Category
from finucity.services import calculation_blocks
from finucity.services.ai.offline import OfflineProvider, answer_question
from finucity.services.ai.offline import provider as offline
from finucity.services.ai.prompts import DISCLAIMERS, build_messages
from finucity.services.ai.provider import Usage
from tests.support.published_tax import NEW_REGIME, OLD_REGIME, slab_tax

# A day in FY 2025-26, the year the knowledge base describes.
IN_FY_2025_26 = datetime(2025, 11, 25, 6, 0, tzinfo=UTC)


def rupees(amount: Decimal | float) -> str:
    """Indian grouping written out independently of the code under test."""
    whole = int(Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    digits = str(whole)
    head, tail = digits[:-3], digits[-3:]
    groups = []
    while head:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return "₹" + ",".join([*groups, tail])


# --- answers ------------------------------------------------------------------------------------


def test_the_emi_is_worked_out_from_the_numbers_in_the_question():
    principal, r, n = 5_000_000, 0.085 / 12, 240
    expected = principal * r * (1 + r) ** n / ((1 + r) ** n - 1)
    assert round(expected) == 43_391

    answer = answer_question("EMI for 50 lakh at 8.5% for 20 years")

    assert "₹43,391" in answer
    assert rupees(expected * n - principal) in answer  # total interest
    assert "₹50,00,000" in answer


def test_a_sip_projection_is_worked_out_from_the_question():
    monthly, r, n = 10_000, 0.12 / 12, 180
    expected = monthly * ((1 + r) ** n - 1) / r * (1 + r)

    answer = answer_question("SIP of 10000 per month for 15 years at 12%")

    assert rupees(expected) in answer
    assert "₹18,00,000" in answer  # invested
    assert rupees(expected - 1_800_000) in answer  # gains


def test_tax_on_a_salary_is_worked_slab_by_slab_in_the_default_regime_and_compared_on_request():
    salary = 1_500_000
    new_taxable, old_taxable = salary - 75_000, salary - 50_000
    new_total = slab_tax(new_taxable, NEW_REGIME) * Decimal("1.04")  # above ₹12 lakh: no rebate
    old_total = slab_tax(old_taxable, OLD_REGIME) * Decimal("1.04")
    assert (rupees(new_total), rupees(old_total)) == ("₹97,500", "₹2,57,400")

    answer = answer_question("tax on 15 lakh salary", now=IN_FY_2025_26)
    # The new regime is the default by law; the answer says so and how to ask for the other.
    assert f"**Tax payable: {rupees(new_total)}**" in answer
    assert rupees(new_taxable) in answer
    assert "the default by law" in answer and "old regime" in answer
    (card,) = calculation_blocks.split(answer)[1]  # the working, slab by slab, as the answer's card
    assert [s["label"] for s in card["steps"] if "%" in s["label"] or "slab" in s["note"].lower()]

    compared = answer_question("tax on 15 lakh salary, which regime is better?", now=IN_FY_2025_26)
    assert rupees(new_total) in compared and rupees(old_total) in compared
    assert rupees(Decimal(old_total - new_total)) in compared  # what the new regime saves


def test_salary_up_to_12_75_lakh_is_tax_free_in_the_new_regime():
    answer = answer_question("How much tax on a salary of 12.75 lakh?", now=IN_FY_2025_26)

    assert "**Tax payable: ₹0**" in answer and "new regime" in answer
    assert "section 87A" in answer


def test_just_above_12_lakh_the_new_regime_tax_is_capped_by_marginal_relief():
    income = 1_210_000
    capped = min(slab_tax(income, NEW_REGIME), Decimal(income - 1_200_000))

    answer = answer_question("income tax on business income of 12.1 lakh", now=IN_FY_2025_26)

    assert f"**Tax payable: {rupees(capped * Decimal('1.04'))}**" in answer and "new regime" in answer


def test_a_high_salary_pays_surcharge():
    taxable = 6_000_000 - 75_000
    total = slab_tax(taxable, NEW_REGIME) * Decimal("1.10") * Decimal("1.04")

    answer = answer_question("tax for 60 lakh salary", now=IN_FY_2025_26)

    assert f"**Tax payable: {rupees(total)}**" in answer and "new regime" in answer
    assert "Surcharge" in answer


def test_answers_are_structured_cited_and_end_with_the_category_disclaimer():
    answer = answer_question("What is ITC in GST?")

    for heading in ("### Short answer", "### How it works", "### Example", "### Next steps"):
        assert heading in answer
    assert "Source: CGST Act 2017" in answer and "(as of 1 April 2025)" in answer
    assert answer.endswith(f"*{DISCLAIMERS[Category.gst]}*")


def test_an_80c_question_about_a_specific_item_gets_a_direct_yes():
    answer = answer_question("Is my LIC premium deductible under 80C?")

    assert answer.startswith("### Short answer\n\nYes")
    assert "Life insurance premium" in answer and "10% of the sum assured" in answer
    assert "₹1,50,000" in answer
    assert "₹46,800" in answer  # 30% of ₹1,50,000 plus 4% cess
    assert answer.endswith(f"*{DISCLAIMERS[Category.income_tax]}*")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What are the income tax slabs in the new regime?", "₹24,00,000"),
        ("How much can I claim under 80D for senior citizen parents?", "₹50,000"),
        ("What is the extra NPS deduction under 80CCD(1B)?", "₹50,000"),
        ("What is the PPF interest rate?", "7.1%"),
        ("SIP vs lump sum in ELSS", "3-year lock-in"),
        ("What is the last date to file ITR?", "31 July"),
        ("What is the GST registration limit for services?", "₹20 lakh"),
        ("GSTR-3B due date", "20th"),
        ("ROC annual filing for a private limited company", "AOC-4"),
        ("Term insurance vs ULIP", "10(10D)"),
        ("What is GST?", "IGST"),
        ("How is EMI calculated?", "₹43,391"),
    ],
)
def test_common_questions_of_each_category_are_answered_from_the_knowledge_base(question, expected):
    answer = answer_question(question, now=IN_FY_2025_26)

    assert expected in answer
    assert "### Short answer" in answer and "### Next steps" in answer
    assert "(as of " in answer
    assert any(answer.endswith(f"*{text}*") for text in DISCLAIMERS.values())
    assert "AI_API_KEY" not in answer


def test_gst_due_dates_are_worked_out_for_last_month():
    answer = answer_question("GST return due dates", now=datetime(2026, 11, 25, 6, 0, tzinfo=UTC))

    assert "For October 2026" in answer
    assert "GSTR-1 by 11 November 2026" in answer and "GSTR-3B by 20 November 2026" in answer


def test_tax_answers_use_the_rules_of_the_year_asked_about_fy_2026_27_included():
    # The Budget of February 2026 kept the slabs; the Income-tax Act, 2025 names the sections.
    later = answer_question("tax on 15 lakh salary", now=datetime(2026, 11, 25, tzinfo=UTC))
    earlier = answer_question("tax on 15 lakh salary", now=IN_FY_2025_26)

    assert "FY 2026-27" in later and "section 202" in later and "Income-tax Act, 2025" in later
    assert "FY 2025-26" in earlier and "115BAC" in earlier
    assert "**Tax payable: ₹97,500**" in later and "**Tax payable: ₹97,500**" in earlier
    assert "Budget changed" not in later


def test_an_unknown_question_is_answered_honestly_with_how_to_connect_a_model():
    answer = answer_question("How do I file ITR with HUF income?")

    assert "can't answer" in answer
    for setting in ("AI_API_KEY", "GITHUB_TOKEN", "OPENAI_API_KEY", "AI_BASE_URL", "AI_MODEL", ".env", "restart"):
        assert setting in answer
    # It says what it can do offline instead.
    assert "EMI for 50 lakh at 8.5% for 20 years" in answer and "Term insurance vs ULIP" in answer
    assert "### Short answer" not in answer


def test_lookalike_words_do_not_trigger_an_answer():
    answer = answer_question("I am a resident of Delhi; what is the standard process to switch my public job?")

    assert "AI_API_KEY" in answer


def test_a_greeting_gets_a_short_introduction():
    answer = answer_question("Hello!")

    assert answer.startswith("Hello!") and "offline" in answer
    assert "EMI for 50 lakh at 8.5% for 20 years" in answer
    assert "AI_API_KEY" not in answer


def test_a_greeting_with_a_real_question_answers_the_question():
    assert "₹43,391" in answer_question("Hi! What is the EMI for 50 lakh at 8.5% for 20 years?")


# --- the provider -------------------------------------------------------------------------------


def _messages(question: str, history: list[tuple[str, str]] | None = None) -> list[dict]:
    return build_messages(question, history or [], Category.general, budget_tokens=1000)


async def _collect(provider: OfflineProvider, messages: list[dict], usage: Usage) -> list[str]:
    return [piece async for piece in provider.stream(messages, max_tokens=4000, temperature=0.3, usage=usage)]


def test_the_provider_describes_itself_as_offline():
    provider = OfflineProvider()
    assert provider.model == "finucity-offline"
    assert provider.offline is True


@pytest.mark.asyncio
async def test_the_answer_streams_in_small_pieces_that_join_to_the_full_answer():
    question = "EMI for 50 lakh at 8.5% for 20 years"
    usage = Usage()

    pieces = await _collect(OfflineProvider(), _messages(question), usage)

    answer = answer_question(question)
    assert "".join(pieces) == answer
    # The calculation's card goes out whole, first; the words after it in small pieces.
    card, *words = pieces
    assert card == calculation_blocks.leading(answer) and calculation_blocks.split(card)[1]
    assert len(words) > 5
    assert max(len(piece.split()) for piece in words) <= 5
    assert usage.tokens_in and usage.tokens_in > 0
    assert usage.tokens_out and usage.tokens_out > 0


@pytest.mark.asyncio
async def test_the_provider_answers_the_last_user_message():
    history = [("user", "What is ITC in GST?"), ("assistant", "Input tax credit is ...")]

    pieces = await _collect(OfflineProvider(), _messages("How is EMI calculated?", history), Usage())

    answer = "".join(pieces)
    assert "₹43,391" in answer and "input tax credit" not in answer.lower()


@pytest.mark.asyncio
async def test_the_stream_pauses_between_pieces(monkeypatch):
    pauses: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        pauses.append(seconds)

    monkeypatch.setattr(offline.asyncio, "sleep", fake_sleep)
    monkeypatch.setattr(OfflineProvider, "delay_s", 0.05)

    pieces = await _collect(OfflineProvider(), _messages("What is the PPF interest rate?"), Usage())

    assert pauses == [0.05] * (len(pieces) - 1)


@pytest.mark.asyncio
async def test_the_stream_can_be_closed_early():
    usage = Usage()
    stream = OfflineProvider().stream(
        _messages("Term insurance vs ULIP"), max_tokens=4000, temperature=0.3, usage=usage
    )

    first = await stream.__anext__()
    await stream.aclose()

    assert first
    with pytest.raises(StopAsyncIteration):
        await stream.__anext__()
    assert usage.tokens_out is not None and usage.tokens_out < len(answer_question("Term insurance vs ULIP")) // 4


@pytest.mark.asyncio
async def test_the_stream_can_be_cancelled_while_it_pauses(monkeypatch):
    monkeypatch.setattr(OfflineProvider, "delay_s", 10.0)
    received: list[str] = []

    async def read() -> None:
        async for piece in OfflineProvider().stream(
            _messages("What is GST?"), max_tokens=4000, temperature=0.3, usage=Usage()
        ):
            received.append(piece)

    task = asyncio.create_task(read())
    while not received:
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(received) == 1
