"""Reading an income tax question: income and its kind, age, regime, year, deductions."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from finucity.finance.dates import financial_year
from finucity.finance.money import format_inr
from finucity.finance.reading.amounts import Mention, Scan, decimal_of, per_year
from finucity.finance.reading.context import Field, Labelled, label
from finucity.finance.reading.questions import AgeBand, Assumption, FollowUp, IncomeTaxQuestion, Regime
from finucity.finance.reading.timing import parse_financial_year

_PARENT = r"parents?|mother|father|mom|mum|dad|in-laws"
FIELDS = (
    Field("ignored", r"standard deduction|\btds\b|advance tax|tax (?:already )?(?:paid|deducted)|rebate|87a|cess"),
    Field("section_80ccd_2", r"80ccd\(2\)|employer'?s?\s+(?:nps|contribution)|nps[a-z ]{0,20}by (?:my )?employer"),
    Field("section_80ccd_1b", r"80ccd\(1b\)|80ccd\b|\bnps\b|national pension", summable=True),
    Field(
        "home_loan_interest",
        r"24\(b\)|(?:home|housing) loan interest|interest (?:on|for) (?:my |the )?(?:home|housing) loan"
        r"|(?:home|housing) loan",
        summable=True,
    ),
    Field(
        "section_80c",
        r"80c\b|\bppf\b|\belss\b|\bepf\b|\bpf\b|provident fund|life insurance|\blic\b|tuition|school fees?|\bnsc\b"
        r"|sukanya|\bssy\b|tax[- ]sav(?:ing|er) (?:fd|fixed deposit|investments?|funds?|mutual funds?)|principal",
        summable=True,
    ),
    Field(
        "section_80d",
        r"80d\b|health insurance|mediclaim|medical insurance|health (?:cover|policy|premium)|preventive health"
        r"|\bfor (?:myself|me|self|my (?:wife|husband|spouse|family|kids|children))\b"
        rf"|\bfor (?:my )?(?:senior citizens? |elderly |old |aged )?(?:{_PARENT})",
    ),
    Field("hra_exemption", r"hra exemption|exempt(?:ion)? (?:on|for|of|from) hra|hra (?:is )?exempt\w*|exempt hra"),
    Field("hra_plain", r"\bhra\b|house rent allowance"),
    Field("rent", r"\brent\b(?! received| income)|\brent(?:al)? (?:i )?pa(?:y|id)"),
    Field(
        "other_income",
        r"(?:fd|fixed deposit|bank|savings|deposits?)\s+interest"
        r"|interest\s+(?:income|from|earned|on\s+(?:fd|fixed|savings|deposits?|bank))|rental income"
        r"|rent (?:received|income)|income from (?:house )?property|dividends?|other sources|other income|side income",
        summable=True,
    ),
    Field(
        "business_income",
        r"business|profession(?:al)?|freelanc\w*|consult\w*|self[- ]employed|practice|\bshop\b|trading|44ada?"
        r"|turnover|profits?",
        summable=True,
    ),
    Field(
        "salary",
        r"salar(?:y|ies|ied)|sall?[ae]r?y|\bctc\b|package|pension|bonus|(?:gross|basic) pay|take[- ]home"
        r"|income from salary",
        summable=True,
    ),
    Field("unclassified_income", r"\bincome\b|\bearn\w*|\bmake\b|\bget\b|\bgross\b|\btaxable\b"),
    Field(
        "other_deductions", r"deductions?|80e\b|80g\b|80tta|80ttb|80u\b|80dd|education loan|donations?", summable=True
    ),
)
# "My salary is 50k" or "1.5 lakh" is usually a month's pay. A year's income this small is untaxed in
# both regimes, so asking which it is costs nothing, and reading it as a year's would understate a
# monthly salary's tax entirely.
_ASK_PERIOD_BELOW = 300_000
_INCOME_FIELDS = ("salary", "business_income", "other_income", "unclassified_income")
_OLD_ONLY = ("section_80c", "section_80d_self", "section_80d_parents", "section_80ccd_1b", "home_loan_interest")
_OLD_ONLY += ("hra_exemption", "other_deductions")
_FULL_RE = re.compile(
    r"\b(?:full|fully|maxed?(?: out)?|maximum|max|entire|whole|complete|exhausted?)\b[^,.;⟦]{0,25}?"
    r"\b(80c|80ccd\(1b\)|80d|24\(b\)|nps)\b"
    r"|\b(80c|80ccd\(1b\)|80d|24\(b\)|nps)\b[^,.;⟦]{0,15}?"
    r"\b(?:fully|in full|maxed?(?: out)?|exhausted|to the (?:max|limit))"
)
_FULL_SECTIONS = {"80c": "80c", "80ccd(1b)": "80ccd(1b)", "nps": "80ccd(1b)", "80d": "80d", "24(b)": "24(b)"}
_COMPARE_RE = re.compile(
    r"which (?:tax )?regime|regime[a-z ]{0,12}better|better[a-z ]{0,12}regime|compare|comparison|\bvs\.?\b|versus"
    r"|new (?:or|and|vs\.?) old|old (?:or|and|vs\.?) new|both regimes|should i (?:choose|opt|pick|go)"
)
_NEW_RE = re.compile(r"\bnew (?:tax )?regime|\bnew slabs?\b|115bac|default regime")
_OLD_RE = re.compile(r"\bold (?:tax )?regime|\bold slabs?\b")
_SUPER_SENIOR_RE = re.compile(r"\b(?:super|very)[- ]?senior")
_SENIOR_RE = re.compile(r"\bsenior(?: citizens?)?\b|\bsr\.? citizen")
_ABOUT_THEM_RE = re.compile(r"\b(?:he|she|his|her|him)\b")
_NOT_SENIOR_RE = re.compile(rf"(?:{_PARENT})[a-z ]{{0,20}}(?:not senior|below 60|under 60|not (?:yet )?60)")


def _ages(scan: Scan, text: str) -> tuple[int | None, AgeBand | None, bool | None, int | None]:
    own = [m.value for m in scan.of("age") if m.owner == "self" and isinstance(m.value, int)]
    parents = [m.value for m in scan.of("age") if m.owner == "parents" and isinstance(m.value, int)]
    if not own and parents and _ABOUT_THEM_RE.search(text) and not re.search(_field("section_80d").words, text):
        own, parents = parents, []  # "my dad is 75 and gets a pension of 8 lakh, what tax does he pay"
    age = own[0] if own else None
    band: AgeBand | None = None
    if age is not None:
        band = AgeBand.SUPER_SENIOR if age >= 80 else AgeBand.SENIOR if age >= 60 else AgeBand.BELOW_60
    parents_senior: bool | None = any(a >= 60 for a in parents) if parents else None
    for pattern, stated in ((_SUPER_SENIOR_RE, AgeBand.SUPER_SENIOR), (_SENIOR_RE, AgeBand.SENIOR)):
        for match in pattern.finditer(text):
            near = text[max(0, match.start() - 30) : match.end() + 30]
            if re.search(_PARENT, near):
                parents_senior = True
            elif band is None:
                band = stated
    if _NOT_SENIOR_RE.search(text):
        parents_senior = False
    return age, band, parents_senior, max(parents) if parents else None


def _regime(text: str) -> Regime | None:
    if _COMPARE_RE.search(text) or (_NEW_RE.search(text) and _OLD_RE.search(text)):
        return Regime.COMPARE
    if _NEW_RE.search(text):
        return Regime.NEW
    if _OLD_RE.search(text):
        return Regime.OLD
    return None


def _kind_everywhere(text: str) -> str | None:
    """The one income kind the whole question speaks of, if any ("as a salaried person")."""
    kinds = [name for name in ("salary", "business_income") if re.search(_field(name).words, text)]
    return kinds[0] if len(kinds) == 1 else None


def _field(name: str) -> Field:
    return next(f for f in FIELDS if f.name == name)


def _split_80d(labelled: Labelled, leftovers: list[Mention], masked: str) -> dict[str, Decimal]:
    """80D amounts for self and for parents. Once the question speaks of 80D, an amount alone in a
    clause with "parents" or "self" ("80D: self 25k, parents 50k") is one too; it leaves `leftovers`."""
    mentions = list(labelled.by_field.get("section_80d", []))
    if mentions or re.search(_field("section_80d").words, masked):
        for mention in list(leftovers):
            if re.search(rf"\b(?:{_PARENT}|self|myself|spouse|family)\b", labelled.clause_of(mention)):
                leftovers.remove(mention)
                mentions.append(mention)
    split: dict[str, Decimal] = {}
    for mention in mentions:
        who = "section_80d_parents" if re.search(_PARENT, labelled.clause_of(mention)) else "section_80d_self"
        split[who] = split.get(who, Decimal(0)) + _yearly(mention)
    return split


def read_income_tax(scan: Scan, today: date) -> IncomeTaxQuestion:
    """Every input an income tax question states; see `IncomeTaxQuestion` for the defaults."""
    text = scan.text
    labelled = label(scan, FIELDS)
    unclear: list[FollowUp] = []
    incomes = {name: list(labelled.by_field.get(name, [])) for name in _INCOME_FIELDS}
    leftovers = list(labelled.unlabelled)
    health = _split_80d(labelled, leftovers, scan.masked)
    everywhere = _kind_everywhere(scan.masked)
    if not any(incomes.values()) and len(leftovers) == 1:
        incomes[everywhere or "unclassified_income"] = [leftovers.pop()]
    elif incomes["unclassified_income"] and everywhere and not incomes[everywhere]:
        incomes[everywhere], incomes["unclassified_income"] = incomes["unclassified_income"], []
    for name in ("unclassified_income", "business_income", "other_income"):
        # "15 LPA" is how salaries are quoted.
        lpa = [m for m in incomes[name] if "lpa" in scan.text[m.start : m.end]]
        incomes["salary"] += lpa
        incomes[name] = [m for m in incomes[name] if m not in lpa]
    for mention in leftovers:
        unclear.append(FollowUp("unlabelled", f"What is {format_inr(decimal_of(mention))} in your question for?"))
    values: dict[str, Decimal | None] = {}
    for name, mentions in incomes.items():
        values[name] = sum((_yearly(m) for m in mentions), Decimal(0)) if mentions else None
        for mention in mentions if name in {"salary", "unclassified_income"} else []:
            if mention.period is None and decimal_of(mention) < _ASK_PERIOD_BELOW:
                values[name] = None
                unclear.append(
                    FollowUp(
                        "income_period",
                        f"Is {format_inr(decimal_of(mention))} your income for a month or for the whole year?",
                    )
                )

    deductions: dict[str, Decimal | None] = {
        name: labelled.total(name, yearly=True)
        for name in ("section_80c", "section_80ccd_1b", "section_80ccd_2", "home_loan_interest")
    }
    deductions |= {
        "hra_exemption": labelled.total("hra_exemption"),
        "other_deductions": labelled.total("other_deductions"),
    }
    deductions |= health
    for mention in labelled.by_field.get("hra_plain", []):
        unclear.append(
            FollowUp(
                "hra_exemption",
                f"Is {format_inr(decimal_of(mention))} the HRA your employer pays you (then ask me for the HRA "
                "exemption with your basic salary, HRA, rent and city), or the HRA exemption you claim?",
            )
        )
    if labelled.by_field.get("rent") and deductions["hra_exemption"] is None:
        unclear.append(
            FollowUp(
                "hra_exemption",
                "Rent alone does not set the HRA exemption (ask me for it with your basic salary, HRA received, "
                "rent and city): what HRA exemption do you claim?",
            )
        )
    full = frozenset(_FULL_SECTIONS[m[1] or m[2]] for m in _FULL_RE.finditer(scan.masked))
    full = frozenset(s for s in full if not labelled.by_field.get(_section_field(s)))

    age, band, parents_senior, parents_age = _ages(scan, text)
    regime = _regime(text)
    year = next((m.value for m in scan.of("fy") if isinstance(m.value, str)), None) or parse_financial_year(text, today)
    assumptions: list[Assumption] = []
    if year is None:
        year = financial_year(today)
        assumptions.append(Assumption("financial_year", f"This is for the current financial year, FY {year}."))
    unpriced = [
        name
        for name, words in _CLAIMED_WORDS.items()
        if re.search(words, scan.masked)
        and deductions.get(name) is None
        and not _claimed_in_full(name, full)
        and not (name == "section_80d" and health)  # stated, for self or for parents
    ]
    old_only_stated = any(deductions.get(name) is not None for name in _OLD_ONLY) or bool(full - {"80ccd(2)"})
    old_only_stated = old_only_stated or bool(unpriced)
    if regime is None:
        if old_only_stated:
            regime = Regime.COMPARE
            assumptions.append(
                Assumption(
                    "regime",
                    "You did not say which regime, and the deductions you listed count only in the old regime, "
                    "so both regimes are worked out.",
                )
            )
        else:
            regime = Regime.NEW
            assumptions.append(
                Assumption(
                    "regime",
                    "You did not say which regime, so this is the new regime, the default by law "
                    f'({_default_regime_section(year)}); say "old regime" for the other.',
                )
            )
    if regime != Regime.NEW:
        unclear.extend(FollowUp(name, f"How much do you claim {_CLAIM_LABELS[name]}?") for name in unpriced)
    if band is None:
        band = AgeBand.BELOW_60
        assumptions.append(Assumption("age_band", "This assumes you are below 60; tell me your age if you are older."))
    return IncomeTaxQuestion(
        salary=values["salary"],
        business_income=values["business_income"],
        other_income=values["other_income"],
        unclassified_income=values["unclassified_income"],
        regime=regime,
        financial_year=year,
        age=age,
        age_band=band,
        parents_senior=parents_senior,
        parents_age=parents_age,
        full_claims=full,
        assumptions=tuple(assumptions),
        unclear=tuple(unclear),
        stated=frozenset({"income"}) if any(incomes.values()) else frozenset(),
        **deductions,
    )


# A deduction named with no amount is asked about (old regime or comparison), unless claimed in full.
_CLAIMED_WORDS = {
    "section_80c": r"\b80c\b",
    "section_80d": r"\b80d\b|health insurance|mediclaim",
    "section_80ccd_1b": r"80ccd\(1b\)",
    "home_loan_interest": r"24\(b\)|(?:home|housing) loan interest"
    r"|interest (?:on|for) (?:my |the )?(?:home|housing) loan",
}
_CLAIM_LABELS = {
    "section_80c": "under section 80C (PPF, ELSS, EPF, life insurance and the like) in the year",
    "section_80d": "for health insurance under section 80D, for yourself and for your parents",
    "section_80ccd_1b": "under section 80CCD(1B) for your own NPS contribution",
    "home_loan_interest": "as home loan interest in the year",
}


def _claimed_in_full(name: str, full: frozenset[str]) -> bool:
    return {"section_80c": "80c", "section_80d": "80d", "section_80ccd_1b": "80ccd(1b)"}.get(name, "24(b)") in full


def _default_regime_section(year: str) -> str:
    return "section 202 of the Income-tax Act, 2025" if year >= "2026-27" else "section 115BAC(1A)"


def _yearly(mention: Mention) -> Decimal:
    return per_year(decimal_of(mention), mention.period)


def _section_field(section: str) -> str:
    return {"80c": "section_80c", "80ccd(1b)": "section_80ccd_1b", "80d": "section_80d", "24(b)": "home_loan_interest"}[
        section
    ]
