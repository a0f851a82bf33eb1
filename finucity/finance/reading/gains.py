"""Reading a capital gains question: the asset, when it was bought and sold, prices or the gain."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from decimal import Decimal
from typing import Literal

from finucity.finance.dates import format_date
from finucity.finance.reading.amounts import Mention, Scan, decimal_of
from finucity.finance.reading.context import Field, label, which_of
from finucity.finance.reading.questions import Asset, Assumption, CapitalGainsQuestion, FollowUp
from finucity.finance.reading.timing import StatedDate

_ASSETS: tuple[tuple[Asset, re.Pattern[str]], ...] = (
    (Asset.DEBT_FUND, re.compile(r"\b(?:debt|bond|liquid|gilt|income)\s+(?:mutual\s+)?funds?\b|\bdebt\s+mf\b")),
    (
        Asset.EQUITY_FUND,
        re.compile(
            r"\b(?:equity|elss|index|flexi ?cap|large ?cap|mid ?cap|small ?cap|multi ?cap|equity[- ]oriented)\s+"
            r"(?:mutual\s+)?(?:funds?|mfs?)\b|\belss\b|\bequity mf\b"
        ),
    ),
    (Asset.UNLISTED_SHARES, re.compile(r"\bunlisted\b")),
    (Asset.LISTED_SHARES, re.compile(r"\b(?:shares?|stocks?|equit(?:y|ies))\b")),
    (Asset.GOLD, re.compile(r"\b(?:gold|jewell?ery|sgbs?|sovereign gold bonds?)\b")),
    (
        Asset.PROPERTY,
        re.compile(r"\b(?:property|house|flat|land|plot|apartment|real estate|villa|home|building|shop)\b"),
    ),
)
_BARE_YEAR_RE = re.compile(r"(?:19[5-9]|20[0-4])\d")
_LONG_RE = re.compile(r"\bltcg\b|\blong[- ]term\b")
_SHORT_RE = re.compile(r"\bstcg\b|\bshort[- ]term\b")
_ANY_FUND_RE = re.compile(r"\bmutual funds?\b|\bmfs?\b|\bfunds?\b")

_BUY = r"bought|buy(?:ing)?|purchas\w*|acquired|invested|cost|paid|since"
_SELL = r"sold|sell\w*|\bsale\b|redeem\w*|redemption|exit\w*|worth|value|got|received|fetch\w*"
_PRICE_FIELDS = (
    Field("buy_price", _BUY),
    Field("sell_price", _SELL),
    Field("gain", r"gains?|profits?|\bmade\b|ltcg|stcg|appreciation"),
    Field("loss", r"\bloss(?:es)?\b"),
)
_DATE_FIELDS = (Field("bought", _BUY + r"|\bfrom\b"), Field("sold", _SELL + r"|\bto\b|\btill\b|\buntil\b"))
_HOLD_FIELDS = (Field("holding", r"held|holding|hold|kept|owned|ago|for|after|within"),)


def _asset(text: str) -> tuple[Asset | None, list[FollowUp]]:
    for asset, pattern in _ASSETS:
        if pattern.search(text):
            return asset, []
    if _ANY_FUND_RE.search(text):
        return None, [FollowUp("asset", "Is it an equity mutual fund or a debt fund?")]
    return None, []


def _years_as_dates(scan: Scan) -> Scan:
    """ "bought 2015, sold 2024": a bare number from 1950 to 2049 is a year here, never a price."""
    mentions = []
    for mention in scan.mentions:
        raw = scan.text[mention.start : mention.end].strip()
        if mention.kind == "amount" and _BARE_YEAR_RE.fullmatch(raw):
            year = int(raw)
            mention = dataclasses.replace(mention, kind="date", value=StatedDate(date(year, 1, 1), date(year, 12, 31)))
        mentions.append(mention)
    return dataclasses.replace(scan, mentions=tuple(mentions))


def read_capital_gains(scan: Scan, today: date) -> CapitalGainsQuestion:
    scan = _years_as_dates(scan)
    asset, unclear = _asset(scan.text)
    prices = label(scan, _PRICE_FIELDS)
    values: dict[str, Decimal | None] = {}
    for name in ("buy_price", "sell_price", "gain", "loss"):
        stated = sorted({decimal_of(m) for m in prices.by_field.get(name, [])})
        values[name] = stated[0] if len(stated) == 1 else None
        if len(stated) > 1:
            what = name.replace("_", " ")
            unclear.append(FollowUp(name, f"Which amount is the {what}: {which_of(stated)}?"))
    gain = values["gain"]
    if values["loss"] is not None:
        gain = -values["loss"]
    if prices.unlabelled:
        unclear.append(
            FollowUp(
                "prices",
                f"What is {which_of([decimal_of(m) for m in prices.unlabelled])} in your question: the price "
                "you paid, the sale price, or the gain?",
            )
        )
    dates = label(scan, _DATE_FIELDS, kinds=("date",))
    bought = _single_date(dates.by_field.get("bought", []))
    sold = _single_date(dates.by_field.get("sold", []))
    loose = [m.value for m in dates.unlabelled if isinstance(m.value, StatedDate)]
    if len(loose) == 2 and bought is None and sold is None:
        bought, sold = sorted(loose, key=lambda d: d.earliest)
    elif len(loose) == 1 and bought is None:
        bought = loose[0]
    holding = label(scan, _HOLD_FIELDS, kinds=("duration",))
    durations = [
        m.value for m in [*holding.by_field.get("holding", []), *holding.unlabelled] if isinstance(m.value, int)
    ]
    holding_months = durations[0] if len(set(durations)) == 1 else None
    if len(set(durations)) > 1:
        unclear.append(FollowUp("holding_months", "How long did you hold it?"))
    term: Literal["long", "short"] | None = (
        "long" if _LONG_RE.search(scan.text) else "short" if _SHORT_RE.search(scan.text) else None
    )
    assumptions = []
    if sold is None:
        sold = StatedDate(today, today)
        assumptions.append(Assumption("sold", f"This takes the sale as made today, {format_date(today)}."))
    return CapitalGainsQuestion(
        asset=asset,
        bought=bought,
        sold=sold,
        holding_months=holding_months,
        buy_price=values["buy_price"],
        sell_price=values["sell_price"],
        gain=gain,
        term=term,
        assumptions=tuple(assumptions),
        unclear=tuple(unclear),
    )


def _single_date(mentions: list[Mention]) -> StatedDate | None:
    found = {m.value for m in mentions if isinstance(m.value, StatedDate)}
    return found.pop() if len(found) == 1 else None
