"""An answer's stored calculation becomes a card on its row, never text on screen."""

from __future__ import annotations

import uuid

from finucity.models import Message, MessageRole, MessageStatus
from finucity.services import calculation_blocks, calculators
from finucity.states.rows import message_row


def _answer(content: str, role: str = MessageRole.assistant.value) -> Message:
    return Message(
        id=uuid.uuid4(), conversation_id=uuid.uuid4(), role=role, content=content, status=MessageStatus.complete.value
    )


def test_a_stored_calculation_is_drawn_as_a_card_and_left_out_of_the_text():
    emi = calculators.calculate("emi", {"principal": "50 lakh", "rate": 8.5, "years": 20})
    row = message_row(_answer(calculation_blocks.encode(emi) + "Your EMI is **₹43,391**."))

    assert row.content == "Your EMI is **₹43,391**."  # what is rendered and copied
    (card,) = row.cards
    assert (card.headline_label, card.headline_text) == ("Monthly EMI", "₹43,391")
    assert card.rule_set and card.rule_date_text
    assert any(p.text == "₹54,13,879" for p in card.figures)


def test_a_broken_block_stays_text_and_a_question_is_never_read_for_cards():
    broken = "```finucity-calc\n{not json}\n```\n\nHello"
    assert message_row(_answer(broken)).cards == []
    assert message_row(_answer(broken)).content == broken
    # A user who types a block gets no card drawn from it.
    emi = calculators.calculate("emi", {"principal": "50 lakh", "rate": 8.5, "years": 20})
    typed = message_row(_answer(calculation_blocks.encode(emi), role=MessageRole.user.value))
    assert typed.cards == [] and "finucity-calc" in typed.content
