"""FY 2025-26 income tax as published, written out independently of the code under test.

Tests compare the calculators and the offline answers against these tables,
so a wrong figure in a knowledge file cannot agree with itself.
"""

from __future__ import annotations

from decimal import Decimal

# FY 2025-26 slabs as (upper limit, rate %), from the Finance Act 2025.
NEW_REGIME = [
    (400_000, 0),
    (800_000, 5),
    (1_200_000, 10),
    (1_600_000, 15),
    (2_000_000, 20),
    (2_400_000, 25),
    (None, 30),
]
OLD_REGIME = [(250_000, 0), (500_000, 5), (1_000_000, 20), (None, 30)]


def slab_tax(income: int, slabs) -> Decimal:
    tax, lower = Decimal(0), 0
    for upper, rate in slabs:
        top = income if upper is None else min(income, upper)
        if top > lower:
            tax += Decimal(top - lower) * rate / 100
        if upper is None or income <= upper:
            break
        lower = upper
    return tax
