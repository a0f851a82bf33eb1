"""The built-in offline assistant: answers common questions without any AI service.

A fresh install has no API key, and the app should still be useful, so this
provider answers the questions people ask most in each category from the
curated knowledge base and the calculators of `finucity.finance` (EMI, SIP,
income tax under both regimes). Every fact in the knowledge base carries its
source and an as-of date, and every answer cites them, because a tax limit
without a date is a trap. When a question is outside what it knows, it says
so and explains how to connect a model instead of guessing.

It streams its answer in small pieces through the same path a model's answer
takes, so the UI, persistence and stop button behave the same offline.
"""

from __future__ import annotations

from finucity.services.ai.offline.answers import Answer
from finucity.services.ai.offline.engine import answer_question
from finucity.services.ai.offline.provider import OfflineProvider
from finucity.services.ai.offline.skills import Skill

__all__ = ["Answer", "OfflineProvider", "Skill", "answer_question"]
