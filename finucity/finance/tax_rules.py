"""Income tax rules of a year, read from the rule files, and the tax on a total income.

`year_rules("2025-26")` gives both regimes of a year; `tax_on_income` applies
one regime's slabs, rebate, surcharge (with marginal relief) and cess to a
total income, unrounded. `income_tax` builds the user-facing `Calculation`.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from decimal import Decimal

from finucity.finance import rules
from finucity.finance.money import as_decimal, format_inr
from finucity.finance.result import HUNDRED, pct

ZERO = Decimal(0)
YEARS = ("2025-26", "2026-27")

# Age bands of the old regime's slabs (the new regime has one set for all ages).
BELOW_60, SENIOR, SUPER_SENIOR = "below_60", "senior", "super_senior"


def age_band(age: int) -> str:
    """Below 60, senior (60 to 79) or super senior (80 and above), for a resident individual."""
    if age < 0:
        raise ValueError("age cannot be negative")
    if age >= 80:
        return SUPER_SENIOR
    return SENIOR if age >= 60 else BELOW_60


@dataclasses.dataclass(frozen=True)
class Slab:
    lower: Decimal
    upper: Decimal | None  # None: no upper bound
    rate: Decimal

    @property
    def label(self) -> str:
        if self.upper is None:
            return f"Above {format_inr(self.lower)} at {pct(self.rate)}"
        if self.lower == 0:
            return f"Up to {format_inr(self.upper)} at {pct(self.rate)}"
        return f"{format_inr(self.lower + 1)} to {format_inr(self.upper)} at {pct(self.rate)}"


@dataclasses.dataclass(frozen=True)
class Regime:
    key: str  # "new" or "old"
    label: str  # "New regime (section 115BAC)"
    standard_deduction: Decimal
    slabs: Mapping[str, tuple[Slab, ...]]  # by age band
    rebate_limit: Decimal
    rebate_max: Decimal
    rebate_marginal_relief: bool
    surcharge: tuple[tuple[Decimal, Decimal], ...]  # (above, rate), the cap applied
    cess_rate: Decimal


@dataclasses.dataclass(frozen=True)
class YearRules:
    rule_set: rules.RuleSet
    year: str
    year_label: str
    act: str
    sections: Mapping[str, str]
    new: Regime
    old: Regime
    caps: Mapping[str, Decimal]  # the old regime's deduction limits

    def regime(self, key: str) -> Regime:
        if key not in ("new", "old"):
            raise ValueError("regime must be 'new' or 'old'")
        return self.new if key == "new" else self.old


def _slabs(rows: list[dict]) -> tuple[Slab, ...]:
    slabs, lower = [], ZERO
    for row in rows:
        upper = as_decimal(row["upto"]) if "upto" in row else None
        slabs.append(Slab(lower, upper, as_decimal(row["rate"])))
        lower = upper if upper is not None else lower
    return tuple(slabs)


def _regime(key: str, data: Mapping, rule_set: rules.RuleSet) -> Regime:
    cap = as_decimal(data["surcharge_cap"]) if "surcharge_cap" in data else None
    brackets = tuple(
        (as_decimal(b["above"]), min(as_decimal(b["rate"]), cap) if cap is not None else as_decimal(b["rate"]))
        for b in rule_set["surcharge"]["brackets"]
    )
    raw = data["slabs"]
    slabs = {band: _slabs(raw) for band in (BELOW_60, SENIOR, SUPER_SENIOR)} if isinstance(raw, list) else {}
    if not slabs:
        slabs = {band: _slabs(raw[band]) for band in (BELOW_60, SENIOR, SUPER_SENIOR)}
    section = rule_set["sections"]["new_regime"] if key == "new" else ""
    return Regime(
        key=key,
        label=f"New regime ({section})" if key == "new" else "Old regime",
        standard_deduction=as_decimal(data["standard_deduction"]),
        slabs=slabs,
        rebate_limit=as_decimal(data["rebate_limit"]),
        rebate_max=as_decimal(data["rebate_max"]),
        rebate_marginal_relief=bool(data["rebate_marginal_relief"]),
        surcharge=brackets,
        cess_rate=as_decimal(rule_set["cess"]["rate"]),
    )


@functools.cache
def year_rules(year: str) -> YearRules:
    """The rules of financial (tax) year `year`, e.g. "2025-26" or "2026-27"."""
    for rule_set in rules.all_rule_sets().values():
        if rule_set.family == "income_tax" and rule_set["year"] == year:
            return YearRules(
                rule_set=rule_set,
                year=year,
                year_label=rule_set["year_label"],
                act=rule_set["act"],
                sections=rule_set["sections"],
                new=_regime("new", rule_set["new"], rule_set),
                old=_regime("old", rule_set["old"], rule_set),
                caps={k: as_decimal(v) for k, v in rule_set["old"]["deductions"].items()},
            )
    known = sorted(r["year"] for r in rules.all_rule_sets().values() if r.family == "income_tax")
    raise rules.RuleError(f"no income tax rules for {year}; known years: {', '.join(known)}")


@dataclasses.dataclass(frozen=True)
class SlabLine:
    slab: Slab
    taxed: Decimal
    tax: Decimal


@dataclasses.dataclass(frozen=True)
class TaxOnIncome:
    """Tax on a total income under one regime, exact (unrounded)."""

    taxable: Decimal
    lines: tuple[SlabLine, ...]
    slab_tax: Decimal
    rebate: Decimal
    surcharge_rate: Decimal
    surcharge_before_relief: Decimal
    surcharge: Decimal
    cess: Decimal

    @property
    def total(self) -> Decimal:
        return self.slab_tax - self.rebate + self.surcharge + self.cess

    @property
    def marginal_relief(self) -> Decimal:
        return self.surcharge_before_relief - self.surcharge


def slab_lines(taxable: Decimal, slabs: tuple[Slab, ...]) -> tuple[SlabLine, ...]:
    lines = []
    for slab in slabs:
        top = taxable if slab.upper is None else min(taxable, slab.upper)
        taxed = max(ZERO, top - slab.lower)
        if taxed > 0 or not lines:
            lines.append(SlabLine(slab, taxed, taxed * slab.rate / HUNDRED))
        if slab.upper is None or taxable <= slab.upper:
            break
    return tuple(lines)


def _rebate(regime: Regime, taxable: Decimal, slab_tax: Decimal) -> Decimal:
    if taxable <= regime.rebate_limit:
        return min(slab_tax, regime.rebate_max)
    if regime.rebate_marginal_relief:
        # Just above the limit, tax may not exceed the income above the limit.
        return max(ZERO, slab_tax - (taxable - regime.rebate_limit))
    return ZERO


def _tax_after_rebate(regime: Regime, band: str, taxable: Decimal) -> Decimal:
    slab_tax = sum((line.tax for line in slab_lines(taxable, regime.slabs[band])), ZERO)
    return slab_tax - _rebate(regime, taxable, slab_tax)


def tax_on_income(taxable: Decimal, regime: Regime, band: str = BELOW_60) -> TaxOnIncome:
    """Slab tax, rebate, surcharge with marginal relief and cess on a total income."""
    taxable = max(ZERO, taxable)
    lines = slab_lines(taxable, regime.slabs[band])
    slab_tax = sum((line.tax for line in lines), ZERO)
    rebate = _rebate(regime, taxable, slab_tax)
    tax = slab_tax - rebate
    rate = full = surcharge = ZERO
    crossed = [i for i, (above, _) in enumerate(regime.surcharge) if taxable > above]
    if crossed:
        index = crossed[-1]
        threshold, rate = regime.surcharge[index]
        previous = regime.surcharge[index - 1][1] if index > 0 else ZERO
        full = tax * rate / HUNDRED
        # Marginal relief: tax and surcharge may exceed those on the threshold
        # income by no more than the income above the threshold.
        ceiling = _tax_after_rebate(regime, band, threshold) * (1 + previous / HUNDRED) + (taxable - threshold)
        surcharge = max(ZERO, min(full, ceiling - tax))
    cess = (tax + surcharge) * regime.cess_rate / HUNDRED
    return TaxOnIncome(taxable, lines, slab_tax, rebate, rate, full, surcharge, cess)
