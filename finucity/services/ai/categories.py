"""Finance categories: labels, parsing, and whole-word detection."""

from __future__ import annotations

import re

from finucity.models import Category
from finucity.services.errors import ValidationError

CATEGORY_LABELS: dict[Category, str] = {
    Category.general: "General",
    Category.income_tax: "Income Tax",
    Category.gst: "GST",
    Category.investment: "Investment",
    Category.business: "Business",
    Category.insurance: "Insurance",
}

_ALIASES = {label.lower(): c for c, label in CATEGORY_LABELS.items()} | {c.value: c for c in Category}

_KEYWORDS: dict[Category, list[str]] = {
    Category.income_tax: ["income tax", "tax regime", "new regime", "old regime", "itr", "tds", "80c", "80d", "hra", "huf", "slab", "rebate", "87a", "standard deduction", "capital gains", "advance tax", "form 16"],
    Category.gst: ["gst", "gstr-1", "gstr-3b", "gstin", "itc", "input tax credit", "hsn", "e-invoice", "e-way bill", "composition scheme"],
    Category.investment: ["sip", "elss", "ppf", "nps", "mutual fund", "fd", "fixed deposit", "rd", "stocks", "shares", "equity", "sgb", "invest", "investment", "portfolio"],
    Category.business: ["roc", "msme", "udyam", "llp", "private limited", "startup", "business", "working capital", "emi", "loan", "esi", "pf", "payroll"],
    Category.insurance: ["insurance", "lic", "term plan", "term insurance", "ulip", "health cover", "premium", "policy", "claim"],
}
_PATTERNS = {
    c: [re.compile(rf"(?<![\w-]){re.escape(k)}(?![\w-])", re.IGNORECASE) for k in words] for c, words in _KEYWORDS.items()
}


def parse_category(value: object) -> Category:
    if value is None or value == "":
        return Category.general
    if isinstance(value, Category):
        return value
    if isinstance(value, str) and (found := _ALIASES.get(value.strip().lower())):
        return found
    choices = ", ".join(c.value for c in Category)
    raise ValidationError(f"Unknown category; use one of: {choices}.", field="category")


def detect_category(text: str) -> Category:
    scores = {c: sum(len(p.findall(text)) for p in patterns) for c, patterns in _PATTERNS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] > 0 else Category.general
