"""The stylesheet and the components agree: no class without a rule, no rule without a user.

A class name with no rule is a typo or a forgotten style; a rule with no user
is dead weight that the next reader has to puzzle over.
"""

from __future__ import annotations

import re

from finucity.config import PROJECT_ROOT

STYLESHEETS = sorted((PROJECT_ROOT / "assets").glob("*.css"))
SOURCES = [p for p in (PROJECT_ROOT / "finucity").rglob("*") if p.suffix in (".py", ".jsx")]

TOKEN = re.compile(r"(?<![\w#-])fc-[a-z0-9]+(?:-[a-z0-9]+)*")
# Names in the fc- style that are element ids, not classes.
ID_USE = re.compile(r"""(?:\bid\s*[=:]\s*\{?\s*["'`]|getElementById\(\s*["'`]|#)(fc-[a-z0-9-]+)""")


def _defined() -> set[str]:
    css = "\n".join(path.read_text() for path in STYLESHEETS)
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return set(re.findall(r"\.(fc-[a-z0-9]+(?:-[a-z0-9]+)*)", css))


def _used() -> tuple[set[str], set[str]]:
    """Every fc- name in the sources, and those of them used as element ids."""
    used: set[str] = set()
    ids: set[str] = set()
    for path in SOURCES:
        text = path.read_text()
        used |= set(TOKEN.findall(text))
        ids |= set(ID_USE.findall(text))
    return used, ids


def test_every_class_the_components_use_has_a_rule():
    used, ids = _used()
    missing = sorted(used - ids - _defined())
    assert not missing, f"classes used but not styled in any stylesheet: {missing}"


def test_every_rule_in_the_stylesheet_has_a_user():
    unused = sorted(_defined() - _used()[0])
    assert not unused, f"rules for classes nothing uses: {unused}"
