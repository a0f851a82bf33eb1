"""Rule sets: the dated rules the calculators apply, one TOML file per law and period.

Each file has a `[rule_set]` table naming the rules (`name`), the law or
notification they come from (`source`) and the date they take effect
(`effective`, a TOML date); the rest of the file is the rules' data. A Budget
that changes a rate is a new file (or an edit to one), not a code change.
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


class RuleError(Exception):
    """A rule file is malformed, or no rule set covers the date asked for."""


@dataclasses.dataclass(frozen=True)
class RuleSet:
    id: str
    family: str
    name: str
    source: str
    effective: date
    data: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.data[key]


@functools.cache
def all_rule_sets() -> Mapping[str, RuleSet]:
    """Every rule set in `rules/*.toml`, by id (the file name without `.toml`). Read once."""
    found: dict[str, RuleSet] = {}
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            rule_id = entry.name.removesuffix(".toml")
            found[rule_id] = _parse(rule_id, tomllib.loads(entry.read_text(encoding="utf-8")))
    return MappingProxyType(found)


def _parse(rule_id: str, document: dict[str, Any]) -> RuleSet:
    head = document.pop("rule_set", None)
    if not isinstance(head, dict):
        raise RuleError(f"{rule_id}.toml needs a [rule_set] table")
    for key in ("family", "name", "source"):
        if not isinstance(head.get(key), str) or not head[key].strip():
            raise RuleError(f"{rule_id}.toml: [rule_set] needs a non-empty {key}")
    effective = head.get("effective")
    if not isinstance(effective, date) or isinstance(effective, datetime):
        raise RuleError(f"{rule_id}.toml: [rule_set] needs effective as a date, e.g. effective = 2025-04-01")
    # Other keys of [rule_set] (a year's label, the Act) are data like the rest.
    extra = {k: v for k, v in head.items() if k not in ("family", "name", "source", "effective")}
    data = MappingProxyType({**extra, **document})
    return RuleSet(rule_id, head["family"], head["name"], head["source"], effective, data)


def rule_set(rule_id: str) -> RuleSet:
    """One rule set by id; a KeyError names a file that does not exist."""
    return all_rule_sets()[rule_id]


def in_force(family: str, on: date) -> RuleSet:
    """The rule set of `family` in force on `on`: the latest one effective on or before it."""
    candidates = [r for r in all_rule_sets().values() if r.family == family and r.effective <= on]
    if not candidates:
        raise RuleError(f"no {family} rules in force on {on.isoformat()}")
    return max(candidates, key=lambda r: r.effective)
