"""The knowledge base: dated, sourced facts in plain TOML files inside the package."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from finucity.finance import knowledge
from finucity.finance.knowledge import KnowledgeError, load_knowledge
from tests.support.published_tax import NEW_REGIME, OLD_REGIME

KNOWLEDGE_DIR = Path(knowledge.__file__).parent


def _raw_facts() -> dict[str, dict]:
    facts = {}
    for path in sorted(KNOWLEDGE_DIR.glob("*.toml")):
        facts.update(tomllib.loads(path.read_text(encoding="utf-8"))["facts"])
    return facts


def test_the_knowledge_base_is_plain_toml_files_in_the_package():
    files = {path.name for path in KNOWLEDGE_DIR.glob("*.toml")}
    assert {"income_tax.toml", "gst.toml", "investment.toml", "insurance.toml", "business.toml"} <= files


def test_every_fact_in_the_data_has_a_source_and_an_iso_as_of_date():
    raw = _raw_facts()
    assert len(raw) >= 15
    for fact_id, fact in raw.items():
        assert isinstance(fact.get("source"), str) and fact["source"].strip(), fact_id
        as_of = fact.get("as_of")
        # A TOML date literal: an ISO calendar date, not a datetime or free text.
        assert type(as_of) is date, fact_id
        assert date.fromisoformat(as_of.isoformat()) == as_of
        assert date(2017, 7, 1) <= as_of <= date.today(), fact_id


def test_every_fact_in_the_files_is_loaded_once_and_cached():
    loaded = load_knowledge()
    assert set(loaded) == set(_raw_facts())
    assert load_knowledge() is loaded
    assert all(fact.source.strip() and isinstance(fact.as_of, date) for fact in loaded.values())


def test_the_tax_slabs_in_the_data_are_the_published_ones():
    facts = load_knowledge()
    for fact_id, expected in (("new_regime", NEW_REGIME), ("old_regime", OLD_REGIME)):
        slabs = [(row.get("upto"), row["rate"]) for row in facts[fact_id]["slabs"]]
        assert slabs == expected
    assert facts["new_regime"]["standard_deduction"] == 75_000
    assert facts["old_regime"]["standard_deduction"] == 50_000
    assert facts["cess"]["rate"] == 4


def test_a_fact_is_found_by_id_and_cites_its_source_with_its_date():
    cess = knowledge.fact("cess")

    assert cess["rate"] == 4
    assert cess.citation == "Finance Act 2025 (as of 1 April 2025)"
    with pytest.raises(KeyError):
        knowledge.fact("no_such_fact")


@pytest.mark.parametrize(
    ("table", "complaint"),
    [
        ({"source": "Finance Act 2025", "as_of": date(2025, 4, 1)}, "non-empty title"),
        ({"title": "Cess", "source": " ", "as_of": date(2025, 4, 1)}, "non-empty source"),
        ({"title": "Cess", "source": "Finance Act 2025", "as_of": "2025-04-01"}, "as_of as a date"),
    ],
)
def test_a_malformed_fact_is_refused_when_the_files_are_read(table, complaint):
    with pytest.raises(KnowledgeError, match=complaint):
        knowledge._parse_fact("income_tax.toml", "cess", table)
