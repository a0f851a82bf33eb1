"""The calculators: EMI, SIP growth, income tax by slab under either regime, and tax saved.

Exact `Decimal` arithmetic, unrounded: rounding is for display (`finance.money`).
Rates and limits come from the knowledge base, so they carry its dates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal

from finucity.finance import knowledge
from finucity.finance.knowledge import Fact
from finucity.finance.money import as_decimal

# Rates are written in per cent, as in the law and the knowledge files.
HUNDRED = Decimal(100)
MONTHS_PER_YEAR = 12


def emi(principal: Decimal, annual_rate_pct: Decimal, months: int) -> Decimal:
    """Monthly instalment of a reducing-balance loan (unrounded)."""
    if months <= 0:
        raise ValueError("months must be positive")
    rate = annual_rate_pct / HUNDRED / MONTHS_PER_YEAR
    if rate == 0:
        return principal / months
    growth = (1 + rate) ** months
    return principal * rate * growth / (growth - 1)


def future_value_annuity_due(payment: Decimal, rate_per_period: Decimal, periods: int) -> Decimal:
    """Value after `periods` of a payment made at the start of each period."""
    if rate_per_period == 0:
        return payment * periods
    growth = (1 + rate_per_period) ** periods
    return payment * (growth - 1) / rate_per_period * (1 + rate_per_period)


def sip_future_value(monthly: Decimal, annual_rate_pct: Decimal, months: int) -> Decimal:
    """What a monthly SIP may grow to, at a steady expected yearly return (unrounded)."""
    return future_value_annuity_due(monthly, annual_rate_pct / HUNDRED / MONTHS_PER_YEAR, months)


@dataclasses.dataclass(frozen=True)
class Slab:
    lower: Decimal
    upper: Decimal | None  # None: no upper bound
    rate: Decimal


@dataclasses.dataclass(frozen=True)
class Regime:
    name: str
    fact: Fact
    standard_deduction: Decimal
    slabs: tuple[Slab, ...]
    rebate_limit: Decimal
    rebate_max: Decimal
    rebate_marginal_relief: bool
    surcharge_cap: Decimal | None

    @classmethod
    def from_fact(cls, name: str, fact: Fact) -> Regime:
        slabs, lower = [], Decimal(0)
        for row in fact["slabs"]:
            upper = as_decimal(row["upto"]) if "upto" in row else None
            slabs.append(Slab(lower, upper, as_decimal(row["rate"])))
            lower = upper if upper is not None else lower
        cap = fact.data.get("surcharge_cap")
        return cls(
            name=name,
            fact=fact,
            standard_deduction=as_decimal(fact["standard_deduction"]),
            slabs=tuple(slabs),
            rebate_limit=as_decimal(fact["rebate_limit"]),
            rebate_max=as_decimal(fact["rebate_max"]),
            rebate_marginal_relief=bool(fact["rebate_marginal_relief"]),
            surcharge_cap=as_decimal(cap) if cap is not None else None,
        )


def new_regime() -> Regime:
    return Regime.from_fact("New regime", knowledge.fact("new_regime"))


def old_regime() -> Regime:
    return Regime.from_fact("Old regime", knowledge.fact("old_regime"))


@dataclasses.dataclass(frozen=True)
class SlabLine:
    slab: Slab
    taxed: Decimal
    tax: Decimal


@dataclasses.dataclass(frozen=True)
class TaxBreakdown:
    regime: Regime
    gross: Decimal
    deduction: Decimal
    lines: tuple[SlabLine, ...]
    rebate: Decimal
    surcharge: Decimal
    cess: Decimal

    @property
    def taxable(self) -> Decimal:
        return self.gross - self.deduction

    @property
    def slab_tax(self) -> Decimal:
        return sum((line.tax for line in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.slab_tax - self.rebate + self.surcharge + self.cess


def income_tax(gross: Decimal, regime: Regime, *, salaried: bool) -> TaxBreakdown:
    """Tax of a resident individual below 60 with no deductions but the standard one."""
    deduction = min(gross, regime.standard_deduction) if salaried else Decimal(0)
    taxable = gross - deduction
    lines = _slab_lines(taxable, regime.slabs)
    slab_tax = sum((line.tax for line in lines), Decimal(0))
    rebate = _rebate(regime, taxable, slab_tax)
    surcharge = _surcharge(regime, taxable, slab_tax - rebate)
    cess = (slab_tax - rebate + surcharge) * as_decimal(knowledge.fact("cess")["rate"]) / HUNDRED
    return TaxBreakdown(regime, gross, deduction, lines, rebate, surcharge, cess)


def _slab_lines(taxable: Decimal, slabs: Sequence[Slab]) -> tuple[SlabLine, ...]:
    lines = []
    for slab in slabs:
        top = taxable if slab.upper is None else min(taxable, slab.upper)
        taxed = max(Decimal(0), top - slab.lower)
        lines.append(SlabLine(slab, taxed, taxed * slab.rate / HUNDRED))
        if slab.upper is None or taxable <= slab.upper:
            break
    return tuple(lines)


def _tax_after_rebate(regime: Regime, taxable: Decimal) -> Decimal:
    slab_tax = sum((line.tax for line in _slab_lines(taxable, regime.slabs)), Decimal(0))
    return slab_tax - _rebate(regime, taxable, slab_tax)


def _rebate(regime: Regime, taxable: Decimal, slab_tax: Decimal) -> Decimal:
    if taxable <= regime.rebate_limit:
        return min(slab_tax, regime.rebate_max)
    if regime.rebate_marginal_relief:
        # Just above the limit, tax may not exceed the income above the limit.
        return max(Decimal(0), slab_tax - (taxable - regime.rebate_limit))
    return Decimal(0)


def _surcharge_rates(regime: Regime) -> list[tuple[Decimal, Decimal]]:
    brackets = [(as_decimal(b["above"]), as_decimal(b["rate"])) for b in knowledge.fact("surcharge")["brackets"]]
    cap = regime.surcharge_cap
    return [(above, min(rate, cap) if cap is not None else rate) for above, rate in brackets]


def _surcharge(regime: Regime, taxable: Decimal, tax: Decimal) -> Decimal:
    rates = _surcharge_rates(regime)
    crossed = [i for i, (above, _) in enumerate(rates) if taxable > above]
    if not crossed:
        return Decimal(0)
    index = crossed[-1]
    threshold, rate = rates[index]
    previous_rate = rates[index - 1][1] if index > 0 else Decimal(0)
    # Marginal relief: crossing a threshold may not cost more than the income above it.
    ceiling = _tax_after_rebate(regime, threshold) * (1 + previous_rate / HUNDRED) + (taxable - threshold)
    return max(Decimal(0), min(tax * rate / HUNDRED, ceiling - tax))


def tax_saved(amount: Decimal, slab_rate: Decimal) -> Decimal:
    """Tax saved by a deduction of `amount` at a slab rate (per cent), cess included."""
    return amount * slab_rate / HUNDRED * (1 + as_decimal(knowledge.fact("cess")["rate"]) / HUNDRED)
