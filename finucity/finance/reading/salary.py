"""Reading salary questions: HRA exemption and gratuity."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from finucity.finance.dates import financial_year
from finucity.finance.money import format_inr
from finucity.finance.reading.amounts import Mention, Period, Scan, decimal_of, per_year
from finucity.finance.reading.context import Field, label, which_of
from finucity.finance.reading.questions import Assumption, FollowUp, GratuityQuestion, HraQuestion
from finucity.finance.reading.timing import parse_financial_year

CITIES = {
    "mumbai": "Mumbai", "bombay": "Mumbai", "navi mumbai": "Navi Mumbai", "thane": "Thane", "delhi": "Delhi",
    "new delhi": "Delhi", "kolkata": "Kolkata", "calcutta": "Kolkata", "chennai": "Chennai", "madras": "Chennai",
    "bengaluru": "Bengaluru", "bangalore": "Bengaluru", "hyderabad": "Hyderabad", "pune": "Pune",
    "ahmedabad": "Ahmedabad", "noida": "Noida", "gurgaon": "Gurugram", "gurugram": "Gurugram",
    "ghaziabad": "Ghaziabad", "faridabad": "Faridabad", "jaipur": "Jaipur", "lucknow": "Lucknow",
    "chandigarh": "Chandigarh", "kochi": "Kochi", "cochin": "Kochi", "indore": "Indore", "bhopal": "Bhopal",
    "nagpur": "Nagpur", "surat": "Surat", "vadodara": "Vadodara", "coimbatore": "Coimbatore", "patna": "Patna",
    "bhubaneswar": "Bhubaneswar", "visakhapatnam": "Visakhapatnam", "vizag": "Visakhapatnam", "mysore": "Mysuru",
    "mysuru": "Mysuru", "trivandrum": "Thiruvananthapuram", "thiruvananthapuram": "Thiruvananthapuram",
    "kanpur": "Kanpur", "nashik": "Nashik", "goa": "Goa", "dehradun": "Dehradun", "ranchi": "Ranchi",
    "guwahati": "Guwahati", "ludhiana": "Ludhiana", "agra": "Agra", "varanasi": "Varanasi", "madurai": "Madurai",
}  # fmt: skip
_CITY_RE = re.compile(r"\b(" + "|".join(re.escape(c) for c in sorted(CITIES, key=len, reverse=True)) + r")\b")
_NON_METRO_RE = re.compile(r"\b(?:non[- ]?metro|not (?:in )?a metro|tier[- ]?(?:2|3|ii|iii)|small town|non metro)\b")
_METRO_RE = re.compile(r"\bmetro(?:politan)?\b")

_HRA_FIELDS = (
    Field("basic_da", r"basic\s*(?:\+|and|plus|&|with)\s*(?:da|dearness allowance)|basic\s*\+\s*da"),
    Field("da", r"\bda\b|dearness allowance"),
    Field("basic", r"\bbasic\b|basic (?:salary|pay)"),
    Field("hra_received", r"\bhra\b|house rent allowance"),
    Field("rent_paid", r"\brent\b|\brental\b|\blandlord\b"),
    Field("ignored", r"\bctc\b|gross|in[- ]hand|take[- ]home|total salary"),
)


def city_in(text: str) -> tuple[str | None, bool | None]:
    """The city named in `text`, and True/False when the question says "metro"/"non-metro"."""
    match = _CITY_RE.search(text.lower())
    city = CITIES[match[1]] if match else None
    if _NON_METRO_RE.search(text):
        return city, False
    if _METRO_RE.search(text):
        return city, True
    return city, None


def read_hra(scan: Scan, today: date) -> HraQuestion:
    labelled = label(scan, _HRA_FIELDS)
    unclear: list[FollowUp] = []
    assumptions: list[Assumption] = []
    amounts = [m for name, ms in labelled.by_field.items() if name != "ignored" for m in ms]
    periods = {m.period for m in amounts if m.period}
    # One period written once ("rent 25,000 per month") is how people write a list of monthly figures.
    period = next(iter(periods)) if len(periods) == 1 else None
    unknown = [m for m in amounts if m.period is None]
    if unknown and not periods:
        unclear.append(FollowUp("period", "Are these amounts per month or for the whole year?"))
    elif unknown and period is None:
        for mention in unknown:
            unclear.append(FollowUp("period", f"Is {format_inr(decimal_of(mention))} per month or for the whole year?"))
    elif unknown:
        assumptions.append(
            Assumption("period", f"Every amount is taken as per {period}, as you wrote for one of them.")
        )

    def yearly(name: str) -> Decimal | None:
        mentions = labelled.by_field.get(name, [])
        values = sorted({_per_year(m, period) for m in mentions}, key=str)
        if len(values) > 1:
            unclear.append(FollowUp(name, f"Which is your {name.replace('_', ' ')}: {which_of(values)}?"))
        return values[0] if len(values) == 1 and (period or any(m.period for m in mentions)) else None

    basic, da = yearly("basic_da") or yearly("basic"), yearly("da")
    if labelled.unlabelled:
        unclear.append(
            FollowUp(
                "unlabelled", f"What is {which_of([decimal_of(m) for m in labelled.unlabelled])} in your question?"
            )
        )
    city, metro = city_in(scan.text)
    year = next((m.value for m in scan.of("fy") if isinstance(m.value, str)), None)
    year = year or parse_financial_year(scan.text, today)
    if year is None:
        year = financial_year(today)
        assumptions.append(Assumption("financial_year", f"This is for the current financial year, FY {year}."))
    return HraQuestion(
        financial_year=year,
        basic=basic,
        da=da,
        hra_received=yearly("hra_received"),
        rent_paid=yearly("rent_paid"),
        city=city,
        metro=metro,
        assumptions=tuple(assumptions),
        unclear=tuple(unclear),
        stated=frozenset(_STATED.get(name, name) for name in labelled.by_field if name != "ignored"),
    )


_STATED = {"basic_da": "basic", "da": "basic"}


def _per_year(mention: Mention, period: Period | None) -> Decimal:
    return per_year(decimal_of(mention), mention.period or period)


_NOT_COVERED_RE = re.compile(
    r"\bnot (?:be )?covered\b|\bisn't covered\b|\bnot under the (?:payment of )?gratuity act\b|\buncovered\b"
    r"|\bfewer than 10\b|\bless than 10 employees\b"
)
_GRATUITY_FIELDS = (
    Field("salary", r"basic|salary|last drawn|\bda\b|\bpay\b|wages?|earn\w*"),
    Field("ignored", r"\bctc\b|gratuity (?:of|is)|\bgot\b|received"),
)


def read_gratuity(scan: Scan) -> GratuityQuestion:
    labelled = label(scan, _GRATUITY_FIELDS)
    salaries = [*labelled.by_field.get("salary", []), *labelled.unlabelled]
    unclear: list[FollowUp] = []
    assumptions: list[Assumption] = []
    values = sorted({decimal_of(m) for m in salaries})
    salary: Decimal | None = None
    if len(values) == 1:
        mention = salaries[0]
        salary = decimal_of(mention)
        if mention.period == "year":
            salary = salary / 12
            assumptions.append(
                Assumption(
                    "last_drawn_salary", f"{format_inr(decimal_of(mention))} a year is {format_inr(salary)} a month."
                )
            )
    elif len(values) > 1:
        # "basic 40k and DA 10k": the salary for gratuity is the two together.
        if _basic_and_da(scan.text) and len(values) == 2:
            salary = sum(values, Decimal(0))
        else:
            unclear.append(
                FollowUp("last_drawn_salary", f"Which is your last monthly basic plus DA: {which_of(values)}?")
            )
    durations = sorted({m.value for m in scan.of("duration") if isinstance(m.value, int)})
    service = durations[0] if len(durations) == 1 else None
    if len(durations) > 1:
        unclear.append(FollowUp("service_months", "How many years (and months) did you work there?"))
    covered = not _NOT_COVERED_RE.search(scan.text)
    if covered and not re.search(r"\bcovered\b|gratuity act", scan.text):
        assumptions.append(
            Assumption(
                "covered",
                "This assumes your employer is covered by the Payment of Gratuity Act (10 or more employees).",
            )
        )
    return GratuityQuestion(
        last_drawn_salary=salary,
        service_months=service,
        covered=covered,
        assumptions=tuple(assumptions),
        unclear=tuple(unclear),
    )


def _basic_and_da(text: str) -> bool:
    return bool(re.search(r"\bbasic\b", text) and re.search(r"\bda\b|dearness", text))
