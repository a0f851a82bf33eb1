"""The knowledge base: dated, sourced facts read from the `*.toml` files in this package.

Every figure the offline answers and the calculators use comes from here, with
its source and the date it is valid from, so updating a limit after a Budget
is an edit to one TOML file.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from importlib import resources
from types import MappingProxyType
from typing import Any

from finucity.finance.dates import format_date


class KnowledgeError(Exception):
    """A knowledge file is malformed; raised at load, so a bad edit fails at start-up."""


@dataclasses.dataclass(frozen=True)
class Fact:
    """One dated, sourced entry of the knowledge base; `data` holds its figures."""

    id: str
    title: str
    source: str
    as_of: date
    data: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    @property
    def citation(self) -> str:
        return f"{self.source} (as of {format_date(self.as_of)})"


@functools.cache
def load_knowledge() -> Mapping[str, Fact]:
    """Every fact in `knowledge/*.toml`, by id. Read once per process."""
    facts: dict[str, Fact] = {}
    # The TOML files are data files of this package, beside this module.
    folder = resources.files(__name__)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        document = tomllib.loads(entry.read_text(encoding="utf-8"))
        for fact_id, table in document.get("facts", {}).items():
            if fact_id in facts:
                raise KnowledgeError(f"{entry.name}: fact {fact_id!r} is defined twice")
            facts[fact_id] = _parse_fact(entry.name, fact_id, table)
    return MappingProxyType(facts)


def _parse_fact(file_name: str, fact_id: str, table: dict[str, Any]) -> Fact:
    data = dict(table)
    title, source, as_of = data.pop("title", None), data.pop("source", None), data.pop("as_of", None)
    for name, value in (("title", title), ("source", source)):
        if not isinstance(value, str) or not value.strip():
            raise KnowledgeError(f"{file_name}: fact {fact_id!r} needs a non-empty {name}")
    # A TOML date literal (as_of = 2025-04-01) arrives as a date; a datetime is not a date here.
    if not isinstance(as_of, date) or isinstance(as_of, datetime):
        raise KnowledgeError(f"{file_name}: fact {fact_id!r} needs as_of as a date, e.g. as_of = 2025-04-01")
    return Fact(fact_id, title, source, as_of, MappingProxyType(data))


def fact(fact_id: str) -> Fact:
    """One fact by id; a KeyError names a fact that no knowledge file defines."""
    return load_knowledge()[fact_id]
