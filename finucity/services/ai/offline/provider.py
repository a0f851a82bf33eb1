"""The provider: streams the offline answer in small pieces, like a model's."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

from finucity.models import MessageRole
from finucity.services import calculation_blocks
from finucity.services.ai.offline.engine import answer_question
from finucity.services.ai.prompts import estimate_tokens
from finucity.services.ai.provider import Usage

_WORDS_PER_PIECE = 3
# Split before each word, keeping every character, so the pieces join back exactly.
_WORD_START_RE = re.compile(r"(?<=\s)(?=\S)")


def _pieces(text: str) -> list[str]:
    # A calculation's card goes out whole, as a model's tool result does: half
    # a card is nothing a reader could show.
    card = calculation_blocks.leading(text)
    words = _WORD_START_RE.split(text[len(card) :])
    rest = ["".join(words[i : i + _WORDS_PER_PIECE]) for i in range(0, len(words), _WORDS_PER_PIECE)]
    return [card, *rest] if card else rest


def _last_question(messages: list[dict]) -> str:
    for message in reversed(messages):
        if message.get("role") == MessageRole.user.value:
            return str(message.get("content") or "")
    return ""


class OfflineProvider:
    """A `ChatProvider` that needs no network: the built-in answers, streamed."""

    model = "finucity-offline"
    offline = True
    #: Seconds between pieces: a reading pace like a model's. Tests set 0.
    delay_s = 0.012

    async def stream(
        self, messages: list[dict], *, max_tokens: int, temperature: float, usage: Usage
    ) -> AsyncIterator[str]:
        # max_tokens and temperature do not apply: the answers are fixed, and
        # far shorter than any allowed max_tokens.
        answer = answer_question(_last_question(messages))
        usage.tokens_in = sum(estimate_tokens(str(m.get("content") or "")) for m in messages)
        sent = ""
        for index, piece in enumerate(_pieces(answer)):
            if index:
                await asyncio.sleep(self.delay_s)
            sent += piece
            # Kept current, so a stopped answer records what was actually sent.
            usage.tokens_out = estimate_tokens(sent)
            yield piece
