"""Reading GST questions: GST on an amount, and whether registration is needed."""

from __future__ import annotations

import re
from typing import Literal

from finucity.finance.money import format_inr
from finucity.finance.reading.amounts import Scan, decimal_of, per_year
from finucity.finance.reading.context import Field, label, which_of
from finucity.finance.reading.questions import Assumption, FollowUp, GstQuestion, GstRegistrationQuestion

STATES = (
    "Andhra Pradesh", "Arunachal Pradesh", "Assam", "Bihar", "Chhattisgarh", "Goa", "Gujarat", "Haryana",
    "Himachal Pradesh", "Jharkhand", "Karnataka", "Kerala", "Madhya Pradesh", "Maharashtra", "Manipur",
    "Meghalaya", "Mizoram", "Nagaland", "Odisha", "Punjab", "Rajasthan", "Sikkim", "Tamil Nadu", "Telangana",
    "Tripura", "Uttar Pradesh", "Uttarakhand", "West Bengal", "Andaman and Nicobar Islands", "Chandigarh",
    "Dadra and Nagar Haveli and Daman and Diu", "Delhi", "Jammu and Kashmir", "Ladakh", "Lakshadweep", "Puducherry",
)  # fmt: skip
"""The 28 states and 8 union territories, as GST names them."""

_STATE_ALIASES = {
    "orissa": "Odisha", "pondicherry": "Puducherry", "new delhi": "Delhi", "ncr": "Delhi", "j&k": "Jammu and Kashmir",
    "mumbai": "Maharashtra", "pune": "Maharashtra", "bangalore": "Karnataka", "bengaluru": "Karnataka",
    "chennai": "Tamil Nadu", "hyderabad": "Telangana", "kolkata": "West Bengal", "ahmedabad": "Gujarat",
    "jaipur": "Rajasthan", "lucknow": "Uttar Pradesh", "noida": "Uttar Pradesh", "gurgaon": "Haryana",
    "gurugram": "Haryana",
    "daman": "Dadra and Nagar Haveli and Daman and Diu", "andaman": "Andaman and Nicobar Islands",
}  # fmt: skip
_STATE_RE = re.compile(
    r"\b(" + "|".join(re.escape(n.lower()) for n in sorted([*STATES, *_STATE_ALIASES], key=len, reverse=True)) + r")\b"
)

_INCLUSIVE_RE = re.compile(
    r"\b(?:inclusive|incl\.?|including|includ(?:es|ing)\s+gst|with gst|gst included|inclusive of|after gst"
    r"|reverse|remove|back ?calculat\w*|extract|mrp)\b"
)
_EXCLUSIVE_RE = re.compile(
    r"\b(?:exclusive|excl\.?|excluding|plus gst|\+ ?gst|before gst|add gst|adding gst|without gst)\b"
)
_INTRA_RE = re.compile(r"\b(?:intra[- ]?state|within (?:the |my |same )?state|same state|local(?:ly)?|cgst|sgst)\b")
_INTER_RE = re.compile(
    r"\b(?:inter[- ]?state|another state|other state|different state|outside (?:the |my )?state|igst)\b"
)
_GOODS_RE = re.compile(r"\b(?:goods|products?|trader|trading|shop|sell(?:ing)? (?:items|clothes|things))\b")
_SERVICES_RE = re.compile(r"\b(?:services?|freelanc\w*|consult\w*|professional|agency|software|tuition|coaching)\b")
_BOTH_RE = re.compile(r"\b(?:goods and services|both goods|goods as well as services|goods & services)\b")


def read_gst(scan: Scan) -> GstQuestion:
    labelled = label(scan, (Field("amount", r"\bgst\b|price|amount|bill|invoice|value|cost|mrp|on\b"),))
    values = sorted({decimal_of(m) for m in [*labelled.by_field.get("amount", []), *labelled.unlabelled]})
    unclear: list[FollowUp] = []
    amount = values[0] if len(values) == 1 else None
    if len(values) > 1:
        unclear.append(FollowUp("amount", f"Which amount should GST be worked out on: {which_of(values)}?"))
    rates = sorted({decimal_of(m) for m in scan.of("percent")})
    rate = rates[0] if len(rates) == 1 else None
    if len(rates) > 1:
        unclear.append(FollowUp("rate", "Your question gives more than one rate: which GST rate applies?"))
    text = scan.text.replace("gst inclusive", "inclusive")
    inclusive = bool(_INCLUSIVE_RE.search(text)) and not _EXCLUSIVE_RE.search(text)
    assumptions = []
    if not inclusive and not _EXCLUSIVE_RE.search(text) and amount is not None:
        assumptions.append(
            Assumption(
                "inclusive",
                f'{format_inr(amount)} is taken as the price before GST; say "inclusive" if it already includes GST.',
            )
        )
    intra = True if _INTRA_RE.search(text) else False if _INTER_RE.search(text) else None
    return GstQuestion(
        amount=amount,
        rate=rate,
        inclusive=inclusive,
        intra_state=intra,
        assumptions=tuple(assumptions),
        unclear=tuple(unclear),
    )


def state_in(text: str) -> str | None:
    """The state or union territory named in `text` (or by one of its big cities), canonically spelt."""
    match = _STATE_RE.search(text.lower())
    if not match:
        return None
    name = match[1]
    return _STATE_ALIASES.get(name) or next(s for s in STATES if s.lower() == name)


def _supply(text: str) -> Literal["goods", "services", "both"] | None:
    text = re.sub(r"goods (?:and|&) services tax", "gst", text)
    goods, services = _GOODS_RE.search(text), _SERVICES_RE.search(text)
    if _BOTH_RE.search(text) or (goods and services):
        return "both"
    return "goods" if goods else "services" if services else None


def read_gst_registration(scan: Scan) -> GstRegistrationQuestion:
    amounts = sorted({per_year(decimal_of(m), m.period) for m in scan.of("amount")})
    unclear = []
    if len(amounts) > 1:
        unclear.append(FollowUp("turnover", f"Which is your yearly turnover: {which_of(amounts)}?"))
    return GstRegistrationQuestion(
        supply=_supply(scan.text),
        state=state_in(scan.text),
        turnover=amounts[0] if len(amounts) == 1 else None,
        unclear=tuple(unclear),
    )
