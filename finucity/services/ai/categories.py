"""The conversation categories: their labels, parsing, and detection from a question.

Detection matches whole words and phrases only. Short acronyms (ESI, LIC, RD,
ROC, ITC) are letters inside ordinary words ("resident", "public",
"standaRD", "pROCess", "swITCh"), so a substring test would misfile almost
every question; every term here is matched as a whole token instead.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

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

_BY_LABEL = {label.lower(): category for category, label in CATEGORY_LABELS.items()}


def parse_category(value: object) -> Category:
    """A `Category` from its value ("income_tax") or label ("Income Tax"), any case.

    None and "" mean general; anything else is a `ValidationError` on `category`.
    """
    if isinstance(value, Category):
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        return Category.general
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _BY_LABEL:
            return _BY_LABEL[text]
        try:
            return Category(re.sub(r"[\s-]+", "_", text))
        except ValueError:
            pass
    choices = ", ".join(category.value for category in Category)
    raise ValidationError(f"Unknown category {value!r}; use one of: {choices}", field="category")


@functools.lru_cache(maxsize=1024)
def term_pattern(term: str) -> re.Pattern[str]:
    """The regex for one whole word or phrase, e.g. "income tax", "ITR", "80C".

    Case-insensitive (people type "itr" and "gst" as often as "ITR"). A space
    in the term also matches a hyphen or nothing ("e way bill" matches
    "e-way bill" and "eway bill"); a plural "s"/"es" is allowed; and digits
    may follow, so "GSTR" matches "GSTR-1" and "GSTR3B" and "ITR" matches
    "ITR2". No letter may follow and no letter or digit may precede, which is
    what keeps "resident" from matching "ESI".
    """
    body = r"[\s-]*".join(re.escape(word) for word in term.split())
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?:e?s)?(?![A-Za-z])", re.IGNORECASE)


def contains_term(text: str, term: str) -> bool:
    return term_pattern(term).search(text) is not None


def contains_any(text: str, terms: Iterable[str]) -> bool:
    return any(contains_term(text, term) for term in terms)


def term_score(text: str, weighted_terms: Iterable[tuple[str, int]]) -> int:
    """Sum of the weights of the terms present (each counted once)."""
    return sum(weight for term, weight in weighted_terms if contains_term(text, term))


# Weights: 3 for terms that settle the topic on their own (acronyms, section
# numbers, product names), 2 for strong hints, 1 for words that only lean.
_STRONG, _HINT, _LEAN = 3, 2, 1

_KEYWORDS: dict[Category, tuple[tuple[str, int], ...]] = {
    Category.income_tax: (
        *(
            (term, _STRONG)
            for term in (
                "income tax",
                "ITR",
                "TDS",
                "HUF",
                "CBDT",
                "26AS",
                "AIS",
                "Form 16",
                "87A",
                "80C",
                "80CCC",
                "80CCD",
                "80D",
                "80E",
                "80G",
                "80GG",
                "80TTA",
                "80TTB",
                "HRA",
                "tax regime",
                "new regime",
                "old regime",
                "tax slab",
                "advance tax",
                "capital gain",
                "LTCG",
                "STCG",
                "assessment year",
                "standard deduction",
                "income tax return",
                "tax refund",
            )
        ),
        *(
            (term, _HINT)
            for term in (
                "deduction",
                "deductible",
                "exemption",
                "exempt",
                "rebate",
                "taxable",
                "salary",
                "salaried",
                "surcharge",
                "cess",
                "tax saving",
                "slab",
            )
        ),
        *((term, _LEAN) for term in ("tax", "income", "refund", "regime")),
    ),
    Category.gst: (
        *(
            (term, _STRONG)
            for term in (
                "GST",
                "GSTIN",
                "GSTR",
                "GSTN",
                "ITC",
                "input tax credit",
                "IGST",
                "CGST",
                "SGST",
                "UTGST",
                "e way bill",
                "eway bill",
                "e invoice",
                "e invoicing",
                "HSN",
                "QRMP",
                "composition scheme",
                "reverse charge",
                "RCM",
                "CBIC",
                "place of supply",
            )
        ),
        *((term, _HINT) for term in ("invoice", "tax invoice", "composition")),
        *((term, _LEAN) for term in ("turnover", "supply", "supplies")),
    ),
    Category.investment: (
        *(
            (term, _STRONG)
            for term in (
                "SIP",
                "ELSS",
                "mutual fund",
                "PPF",
                "public provident fund",
                "NPS",
                "national pension system",
                "fixed deposit",
                "FD",
                "RD",
                "recurring deposit",
                "stock market",
                "share market",
                "lump sum",
                "lumpsum",
                "index fund",
                "ETF",
                "NAV",
                "SEBI",
                "portfolio",
                "sovereign gold bond",
                "SGB",
                "debt fund",
                "demat",
                "NSC",
                "SSY",
                "sukanya samriddhi",
                "CAGR",
                "XIRR",
                "systematic investment plan",
            )
        ),
        *(
            (term, _HINT)
            for term in (
                "invest",
                "investment",
                "investing",
                "equity",
                "stock",
                "shares",
                "bond",
                "dividend",
                "gold",
                "retirement",
                "EPF",
                "PF",
                "compounding",
            )
        ),
        *((term, _LEAN) for term in ("returns", "interest rate", "savings")),
    ),
    Category.business: (
        *(
            (term, _STRONG)
            for term in (
                "ROC",
                "MCA",
                "private limited",
                "pvt ltd",
                "LLP",
                "company registration",
                "incorporation",
                "incorporate",
                "partnership firm",
                "proprietorship",
                "sole proprietor",
                "MSME",
                "Udyam",
                "startup",
                "AOC 4",
                "MGT 7",
                "ESI",
                "EPFO",
                "working capital",
            )
        ),
        *(
            (term, _HINT)
            for term in (
                "business",
                "company",
                "companies",
                "director",
                "shareholder",
                "payroll",
                "professional tax",
                "trade licence",
                "trade license",
                "balance sheet",
                "bookkeeping",
                "accounting",
                "profit and loss",
            )
        ),
        *((term, _LEAN) for term in ("audit", "annual return", "filing", "firm")),
    ),
    Category.insurance: (
        *(
            (term, _STRONG)
            for term in (
                "insurance",
                "insurer",
                "LIC",
                "term plan",
                "ULIP",
                "mediclaim",
                "IRDAI",
                "IRDA",
                "sum assured",
                "endowment",
                "no claim bonus",
            )
        ),
        *(
            (term, _HINT)
            for term in (
                "policy",
                "policies",
                "claim",
                "rider",
                "money back",
                "cashless",
                "co payment",
                "copay",
            )
        ),
        # "premium" alone leans only: "is my LIC premium deductible under 80C?"
        # is a tax question about an insurance product.
        *((term, _LEAN) for term in ("premium", "cover", "nominee")),
    ),
}


def category_scores(text: str) -> dict[Category, int]:
    return {category: term_score(text, terms) for category, terms in _KEYWORDS.items()}


def detect_category(text: str) -> Category:
    """The category a question is most about; general when none or a tie.

    A tie means the question straddles two topics evenly, and filing it under
    either would be a guess, so it stays general.
    """
    scores = category_scores(text)
    best = max(scores.values())
    leaders = [category for category, score in scores.items() if score == best]
    return leaders[0] if best > 0 and len(leaders) == 1 else Category.general
