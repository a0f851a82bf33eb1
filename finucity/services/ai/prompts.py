"""System prompt and message assembly (interim)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from finucity.models import Category

IST = ZoneInfo("Asia/Kolkata")


def india_now(now: datetime | None = None) -> datetime:
    return (now or datetime.now(IST)).astimezone(IST)


def financial_year(d: date) -> str:
    start = d.year if d.month >= 4 else d.year - 1
    return f"{start}-{str(start + 1)[-2:]}"


def assessment_year(d: date) -> str:
    start = (d.year if d.month >= 4 else d.year - 1) + 1
    return f"{start}-{str(start + 1)[-2:]}"


def estimate_tokens(text: str) -> int:
    return max(1, len(text) // 4)


def system_prompt(category: Category, now: datetime | None = None) -> str:
    today = india_now(now).date()
    return (
        "You are Finucity's assistant for Indian personal and business finance. "
        f"Today is {today:%d %B %Y}; financial year {financial_year(today)}, assessment year {assessment_year(today)}."
    )


def build_messages(question: str, history: list[tuple[str, str]], category: Category, *, budget_tokens: int, now=None) -> list[dict]:
    kept: list[tuple[str, str]] = []
    used = 0
    for role, content in reversed(history):
        used += estimate_tokens(content)
        if used > budget_tokens:
            break
        kept.append((role, content))
    kept.reverse()
    return [{"role": "system", "content": system_prompt(category, now)}, *({"role": r, "content": c} for r, c in kept), {"role": "user", "content": question}]
