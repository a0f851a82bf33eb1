"""The rule files: every rule set is named, sourced and dated, and the right one is in force."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from finucity.finance import rules
from finucity.finance.rules import RuleError, all_rule_sets, in_force

RULES_DIR = Path(rules.__file__).parent


def test_every_rule_file_names_its_law_and_effective_date():
    found = all_rule_sets()

    assert len(found) == len(list(RULES_DIR.glob("*.toml"))) >= 10
    for rule_set in found.values():
        assert rule_set.name.strip() and rule_set.source.strip(), rule_set.id
        assert type(rule_set.effective) is date, rule_set.id


@pytest.mark.parametrize(
    ("family", "on", "name"),
    [
        ("gst", date(2025, 9, 21), "GST rates from 1 July 2017"),
        ("gst", date(2025, 9, 22), "GST rates from 22 September 2025"),
        ("capital_gains", date(2024, 7, 22), "Capital gains, transfers before 23 July 2024"),
        ("capital_gains", date(2024, 7, 23), "Capital gains, transfers from 23 July 2024"),
        ("capital_gains", date(2026, 4, 1), "Capital gains, transfers from 1 April 2026"),
        ("income_tax", date(2026, 3, 31), "Income tax, FY 2025-26"),
        ("income_tax", date(2026, 4, 1), "Income tax, tax year 2026-27"),
    ],
)
def test_the_rule_set_in_force_changes_on_its_effective_date(family, on, name):
    assert in_force(family, on).name == name


def test_no_rules_before_the_first_rule_set():
    with pytest.raises(RuleError):
        in_force("gst", date(2017, 6, 30))


def test_a_rule_file_without_a_date_is_refused():
    with pytest.raises(RuleError, match="effective"):
        rules._parse("broken", {"rule_set": {"family": "gst", "name": "x", "source": "y", "effective": "2025-09-22"}})


def test_the_knowledge_base_quotes_the_same_slabs_as_the_rules():
    # The offline topics still answer from knowledge/income_tax.toml; the two must agree.
    from finucity.finance import knowledge
    from finucity.finance.money import as_decimal
    from finucity.finance.tax_rules import year_rules

    year = year_rules("2025-26")
    for key, regime in (("new_regime", year.new), ("old_regime", year.old)):
        fact = knowledge.fact(key)
        quoted = [(row.get("upto"), as_decimal(row["rate"])) for row in fact["slabs"]]
        ruled = [(None if s.upper is None else int(s.upper), s.rate) for s in regime.slabs["below_60"]]
        assert quoted == ruled, key
        assert as_decimal(fact["standard_deduction"]) == regime.standard_deduction
        assert as_decimal(fact["rebate_limit"]) == regime.rebate_limit
