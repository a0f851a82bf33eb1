"""axe-core audits of real pages: injected into the page Playwright shows, run there.

axe-core comes from npm at install time (`make install-dev` runs `npm ci` in
tests/support/axe, pinned by its package-lock.json), never while tests run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from finucity.config import PROJECT_ROOT

AXE_JS = PROJECT_ROOT / "tests" / "support" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# What a screen-reader or keyboard user cannot get past; the rest is printed.
BLOCKING = ("serious", "critical")

_SETTLED = """
() => document.getAnimations().every(
  (a) => a.playState !== "running" || a.effect?.getComputedTiming().iterations === Infinity
)
"""
_RUN = """
async () => {
  const result = await window.axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  }));
}
"""


def axe_path() -> Path:
    if not AXE_JS.exists():
        pytest.fail(f"axe-core is not installed at {AXE_JS}: run `make install-dev`")
    return AXE_JS


def audit(page, what: str) -> list[dict]:
    """Run axe on the page as it is now; print every violation, return the blocking ones."""
    # Colours are judged as they settle, not halfway through a fade-in.
    page.wait_for_function(_SETTLED)
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(path=str(axe_path()))
    violations = page.evaluate(_RUN)
    for v in violations:
        print(f"[axe] {what}: {v['impact']} {v['id']} ({v['help']}) x{len(v['nodes'])}")
        for node in v["nodes"][:5]:
            print(f"        {node['target']}: {node['summary'].splitlines()[-1] if node['summary'] else ''}")
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} at " + ", ".join(n["target"] for n in v["nodes"][:6]) for v in violations
    )
