"""The calculators as a form, an API body or a tool call gives their inputs.

One function per calculator takes plain values (text as typed, with Indian
grouping, "12.5 lakh", "₹2,000" or "1.2 cr"; or JSON numbers), checks each
against the field it came from, runs the calculator of `finucity.finance`
and returns its `Calculation`. Anything wrong becomes a `ValidationError`
naming the field at fault, so the /tools page, `POST /api/tools/...` and the
chat all refuse the same input with the same words.

Calculators hold no user data and write nothing; `check_rate` limits how
often one client may run them (per IP, shared by the page and the API).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from finucity.finance import capital_gains as _capital_gains
from finucity.finance import gst as _gst
from finucity.finance import income_tax as _income_tax
from finucity.finance import loans, salary, savings
from finucity.finance import rules as _rules
from finucity.finance.dates import india_now
from finucity.finance.result import Calculation
from finucity.finance.rules import RuleError
from finucity.services import ratelimit
from finucity.services.errors import ValidationError

# Runs per client IP; generous for a person at a form, tight for a script.
RATE_LIMIT = "120/minute"

YEARS = ("2025-26", "2026-27")
REGIMES = ("new", "old")
ASSETS = tuple(_capital_gains.ASSETS)
SUPPLIES = tuple(_gst.SUPPLIES)
SUPPLY_LABELS = dict(_gst.SUPPLIES)
MAX_TEXT = 40

_UNITS = {
    "crore": 10_000_000,
    "crores": 10_000_000,
    "cr": 10_000_000,
    "lakh": 100_000,
    "lakhs": 100_000,
    "lac": 100_000,
    "lacs": 100_000,
    "l": 100_000,
    "thousand": 1_000,
    "k": 1_000,
}
_AMOUNT = re.compile(
    r"^(?P<sign>-)?\s*(?:₹|rs\.?|inr)?\s*(?P<number>\d[\d,]*(?:\.\d+)?|\.\d+)\s*(?P<unit>[a-z]+)?\.?$",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"^(?P<number>\d+(?:\.\d+)?|\.\d+)\s*%?$")
_TRUE = {"true", "yes", "on", "1", "y"}
_FALSE = {"false", "no", "off", "0", "n", ""}


async def check_rate(ip: str | None) -> None:
    """Count one run for this client; RateLimited when over RATE_LIMIT."""
    await ratelimit.hit(RATE_LIMIT, "tools", ip or "unknown", message="Too many calculations. Try again in a minute.")


# --- reading form values --------------------------------------------------------------------


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object, field: str, label: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{label} must be text.", field=field)
    text = value.strip()
    if len(text) > MAX_TEXT:
        raise ValidationError(f"{label} is too long.", field=field)
    return text


def amount(value: object, field: str, label: str, *, default: Decimal | None = None) -> Decimal:
    """Rupees from a form or JSON: 1210000, "12,10,000", "₹12,10,000", "12.1 lakh", "2 cr", "20k"."""
    if _blank(value):
        if default is None:
            raise ValidationError(f"{label} is required.", field=field)
        return default
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValidationError(f"{label}: enter rupees, like 12,50,000 or 12.5 lakh.", field=field)
    if isinstance(value, str):
        text = _text(value, field, label)
        match = _AMOUNT.match(text)
        unit = (match["unit"] or "").lower() if match else ""
        if match is None or (unit and unit not in _UNITS):
            raise ValidationError(f"{label}: enter rupees, like 12,50,000 or 12.5 lakh.", field=field)
        result = _decimal((match["sign"] or "") + match["number"].replace(",", ""), field, label) * _UNITS.get(unit, 1)
    else:
        result = _decimal(value, field, label)
    if result < 0:
        raise ValidationError(f"{label} cannot be negative.", field=field)
    return result


def percent(value: object, field: str, label: str, *, default: Decimal | None = None, most: int = 100) -> Decimal:
    """A rate in per cent: 8.5, "8.5", "8.5%"."""
    if _blank(value):
        if default is None:
            raise ValidationError(f"{label} is required.", field=field)
        return default
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValidationError(f"{label} must be a number.", field=field)
    if isinstance(value, str):
        match = _PERCENT.match(_text(value, field, label))
        if match is None:
            raise ValidationError(f"{label} must be a rate in per cent, like 8.5.", field=field)
        value = match["number"]
    result = _decimal(value, field, label)
    if not 0 <= result <= most:
        raise ValidationError(f"{label} must be between 0 and {most} per cent.", field=field)
    return result


def whole(value: object, field: str, label: str, *, least: int, most: int, default: int | None = None) -> int:
    """A count (an age, years, months) within [least, most]."""
    if _blank(value):
        if default is None:
            raise ValidationError(f"{label} is required.", field=field)
        return default
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValidationError(f"{label} must be a whole number.", field=field)
    number = _decimal(_text(value, field, label) if isinstance(value, str) else value, field, label)
    if number != number.to_integral_value():
        raise ValidationError(f"{label} must be a whole number.", field=field)
    if not least <= number <= most:
        raise ValidationError(f"{label} must be {least} to {most}.", field=field)
    return int(number)


def flag(value: object, field: str, label: str, *, default: bool = False) -> bool:
    """A checkbox or a JSON boolean."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValidationError(f"{label} must be yes or no.", field=field)


def choice(value: object, field: str, label: str, options: tuple[str, ...], *, default: str | None = None) -> str:
    if _blank(value) and default is not None:
        return default
    text = _text(value, field, label).lower().replace("-", "_") if isinstance(value, str) else None
    # Years are written with a hyphen: compare them as given.
    if isinstance(value, str) and value.strip() in options:
        return value.strip()
    if text not in options:
        raise ValidationError(f"{label} must be one of: {', '.join(options)}.", field=field)
    return text


def day(value: object, field: str, label: str) -> date:
    """A date as YYYY-MM-DD (what a date input sends)."""
    if _blank(value):
        raise ValidationError(f"{label} is required.", field=field)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(_text(value, field, label))
    except ValueError:
        raise ValidationError(f"{label} must be a date, like 2025-06-30.", field=field) from None


def _decimal(value: object, field: str, label: str) -> Decimal:
    try:
        result = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
    except ArithmeticError:
        raise ValidationError(f"{label} must be a number.", field=field) from None
    if not result.is_finite():
        raise ValidationError(f"{label} must be a finite number.", field=field)
    if result and result.adjusted() >= 15:
        raise ValidationError(f"{label} is too large a number.", field=field)
    return result


@contextlib.contextmanager
def _refusals(fields: Mapping[str, str], default: str) -> Iterator[None]:
    """The finance package's ValueError as a ValidationError on the field its message names."""
    try:
        yield
    except RuleError as exc:
        raise ValidationError(_sentence(str(exc)), field="year" if "year" in fields.values() else default) from None
    except (ValueError, ArithmeticError) as exc:
        message = str(exc)
        lowered = message.lower()
        field = next((f for words, f in fields.items() if words in lowered), default)
        raise ValidationError(_sentence(message), field=field) from None


def _sentence(message: str) -> str:
    message = message.strip() or "That input is not valid"
    message = message[0].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else message + "."


# --- one function per calculator ------------------------------------------------------------


def _tax_case(values: Mapping[str, Any]) -> dict[str, Any]:
    get = values.get
    case = {
        "year": choice(get("year"), "year", "The year", YEARS, default=YEARS[0]),
        "salary": amount(get("salary"), "salary", "Salary", default=Decimal(0)),
        "other_income": amount(get("other_income"), "other_income", "Other income", default=Decimal(0)),
        "age": whole(get("age"), "age", "Age", least=18, most=120, default=30),
        "section_80c": amount(get("section_80c"), "section_80c", "80C investments", default=Decimal(0)),
        "section_80ccd_1b": amount(get("section_80ccd_1b"), "section_80ccd_1b", "NPS (80CCD(1B))", default=Decimal(0)),
        "health_insurance_self": amount(
            get("health_insurance_self"), "health_insurance_self", "Health insurance (self)", default=Decimal(0)
        ),
        "health_insurance_parents": amount(
            get("health_insurance_parents"),
            "health_insurance_parents",
            "Health insurance (parents)",
            default=Decimal(0),
        ),
        "home_loan_interest": amount(
            get("home_loan_interest"), "home_loan_interest", "Home-loan interest", default=Decimal(0)
        ),
    }
    if not _blank(get("parents_age")):
        case["parents_age"] = whole(get("parents_age"), "parents_age", "Parents' age", least=18, most=130)
    if not case["salary"] and not case["other_income"]:
        raise ValidationError("Enter a salary or other income.", field="salary")
    return case


_TAX_FIELDS = {"age": "age", "salary": "salary", "other income": "other_income", "year": "year"}


def income_tax(values: Mapping[str, Any]) -> Calculation:
    """Income tax under one regime; `regime` "new" (default) or "old", the rest as in `_tax_case`."""
    regime = choice(values.get("regime"), "regime", "The regime", REGIMES, default="new")
    case = _tax_case(values)
    with _refusals(_TAX_FIELDS, "salary"):
        return _income_tax.income_tax(regime, **case)


def regime_comparison(values: Mapping[str, Any]) -> Calculation:
    """Tax under both regimes side by side."""
    case = _tax_case(values)
    with _refusals(_TAX_FIELDS, "salary"):
        return _income_tax.compare_regimes(**case)


def capital_gains(values: Mapping[str, Any]) -> Calculation:
    get = values.get
    asset = choice(get("asset"), "asset", "The asset", ASSETS, default="listed_equity")
    bought, sold = day(get("bought"), "bought", "The purchase date"), day(get("sold"), "sold", "The sale date")
    if sold < bought:
        raise ValidationError("The sale date cannot come before the purchase date.", field="sold")
    kwargs = {
        "bought": bought,
        "sold": sold,
        "cost": amount(get("cost"), "cost", "The cost"),
        "sale_price": amount(get("sale_price"), "sale_price", "The sale price"),
        "transfer_expenses": amount(
            get("transfer_expenses"), "transfer_expenses", "Transfer expenses", default=Decimal(0)
        ),
        "exemption_used": amount(get("exemption_used"), "exemption_used", "Exemption already used", default=Decimal(0)),
        "slab_rate": None if _blank(get("slab_rate")) else percent(get("slab_rate"), "slab_rate", "The slab rate"),
        "resident_individual": flag(get("resident_individual"), "resident_individual", "Resident", default=True),
    }
    fields = {"sale": "sold", "purchase": "bought", "cost": "cost", "slab": "slab_rate", "exemption": "exemption_used"}
    with _refusals(fields, "sale_price"):
        return _capital_gains.capital_gains(asset, **kwargs)


def gst(values: Mapping[str, Any]) -> Calculation:
    get = values.get
    price = amount(get("amount"), "amount", "The amount")
    rate = percent(get("rate"), "rate", "The GST rate", default=Decimal(18))
    inclusive = flag(get("inclusive"), "inclusive", "Price includes GST")
    inter_state = flag(get("inter_state"), "inter_state", "Inter-state supply")
    with _refusals({"rate": "rate"}, "amount"):
        return _gst.gst(price, rate, inclusive=inclusive, inter_state=inter_state)


def registration_states() -> tuple[str, ...]:
    """The states with a registration threshold of their own, as the rules in force name them."""
    return tuple(sorted(_rules.in_force("gst_registration", india_now().date())["states"]))


def gst_registration(values: Mapping[str, Any]) -> Calculation:
    get = values.get
    turnover = amount(get("turnover"), "turnover", "Turnover")
    supply = choice(get("supply"), "supply", "The supply", SUPPLIES, default="goods")
    state = None if _blank(get("state")) else _text(get("state"), "state", "The state")
    with _refusals({}, "turnover"):
        return _gst.gst_registration(turnover, supply, state=state)


def emi(values: Mapping[str, Any]) -> Calculation:
    """`principal`, `rate` (per cent a year) and the tenure as `years` plus `months`."""
    get = values.get
    principal = amount(get("principal"), "principal", "The loan amount")
    if not principal:
        raise ValidationError("The loan amount must be more than zero.", field="principal")
    rate = percent(get("rate"), "rate", "The interest rate", most=50)
    years = whole(get("years"), "years", "Years", least=0, most=40, default=0)
    months = whole(get("months"), "months", "Months", least=0, most=480, default=0)
    if not years * 12 + months:
        raise ValidationError("Enter the tenure in years (or months).", field="years")
    with _refusals({"tenure": "years", "rate": "rate"}, "principal"):
        return loans.emi_schedule(principal, rate, years * 12 + months)


def _growth(values: Mapping[str, Any], field: str, label: str, run: Callable[..., Calculation]) -> Calculation:
    get = values.get
    invested = amount(get(field), field, label)
    if not invested:
        raise ValidationError(f"{label} must be more than zero.", field=field)
    rate = percent(get("rate"), "rate", "The expected return", most=50)
    years = whole(get("years"), "years", "Years", least=1, most=60)
    with _refusals({"return": "rate", "years": "years"}, field):
        return run(invested, rate, years)


def sip(values: Mapping[str, Any]) -> Calculation:
    return _growth(values, "monthly", "The monthly amount", savings.sip)


def lump_sum(values: Mapping[str, Any]) -> Calculation:
    return _growth(values, "amount", "The amount", savings.lump_sum)


def ppf(values: Mapping[str, Any]) -> Calculation:
    get = values.get
    deposit = amount(get("yearly_deposit"), "yearly_deposit", "The yearly deposit")
    years = whole(get("years"), "years", "Years", least=15, most=50, default=15)
    rate = None if _blank(get("rate")) else percent(get("rate"), "rate", "The interest rate", most=20)
    with _refusals({"deposit": "yearly_deposit", "runs": "years", "rate": "rate"}, "yearly_deposit"):
        return savings.ppf(deposit, years, rate=rate)


def hra(values: Mapping[str, Any]) -> Calculation:
    get = values.get
    kwargs = {
        "basic_da": amount(get("basic_da"), "basic_da", "Basic pay + DA"),
        "hra_received": amount(get("hra_received"), "hra_received", "HRA received"),
        "rent_paid": amount(get("rent_paid"), "rent_paid", "Rent paid"),
        "city": _text(get("city") or "", "city", "The city") or "Other",
        "year": choice(get("year"), "year", "The year", YEARS, default=YEARS[0]),
    }
    with _refusals({"year": "year"}, "basic_da"):
        return salary.hra_exemption(**kwargs)


def gratuity(values: Mapping[str, Any]) -> Calculation:
    get = values.get
    monthly = amount(get("last_monthly_salary"), "last_monthly_salary", "The monthly salary")
    years = whole(get("years"), "years", "Years of service", least=0, most=60)
    months = whole(get("months"), "months", "Months", least=0, most=11, default=0)
    covered = flag(get("covered"), "covered", "Covered by the Gratuity Act", default=True)
    with _refusals({"month": "months"}, "last_monthly_salary"):
        return salary.gratuity(monthly, years=years, months=months, covered=covered)


CALCULATORS: dict[str, Callable[[Mapping[str, Any]], Calculation]] = {
    "income_tax": income_tax,
    "regime_comparison": regime_comparison,
    "capital_gains": capital_gains,
    "gst": gst,
    "gst_registration": gst_registration,
    "emi": emi,
    "sip": sip,
    "lump_sum": lump_sum,
    "ppf": ppf,
    "hra": hra,
    "gratuity": gratuity,
}


def calculate(kind: str, values: Mapping[str, Any]) -> Calculation:
    """The calculator `kind` on form values; ValidationError for an unknown kind or bad input."""
    run = CALCULATORS.get(kind)
    if run is None:
        raise ValidationError(f"There is no calculator called {kind[:40]!r}.", field="kind")
    return run(values)
