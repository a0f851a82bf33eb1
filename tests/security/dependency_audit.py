"""`make audit`: known vulnerabilities in the pinned packages, when the advisory data answers.

- Python: pip-audit against PyPI's advisory data (`--vulnerability-service pypi`) for
  every pin in requirements.txt and constraints.txt (the whole installed tree).
- Frontend: `npm audit` for the compiled frontend's packages (.web/package.json, made
  by the first `reflex run` or browser test), failing on high or critical advisories.

Either source may not answer (a mirror without the advisory endpoints, no network):
then it prints one `SKIPPED` line saying so and does not fail. A reported
vulnerability fails the run (exit 1). Run: `.venv/bin/python tests/security/dependency_audit.py`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def pip_audit() -> bool:
    """True when nothing known-vulnerable is pinned (or the source did not answer)."""
    command = [
        str(BIN / "pip-audit"),
        "--vulnerability-service",
        "pypi",
        "--no-deps",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--format",
        "json",
        "-r",
        str(ROOT / "requirements.txt"),
        "-r",
        str(ROOT / "constraints.txt"),
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=ROOT)
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(f"audit: SKIPPED pip-audit: no report ({run.stderr.strip().splitlines()[-1:]})")
        return True
    deps = report.get("dependencies", [])
    audited = [d for d in deps if "skip_reason" not in d]
    if not audited:
        reason = deps[0]["skip_reason"] if deps else "no dependencies"
        print(f"audit: SKIPPED pip-audit: the advisory data did not answer for any of {len(deps)} pins ({reason})")
        return True
    vulnerable = [d for d in audited if d.get("vulns")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version"
            print(f"audit: {dep['name']}=={dep['version']}: {vuln['id']} (fixed in {fixed})")
    skipped = len(deps) - len(audited)
    print(f"audit: pip-audit checked {len(audited)} pins ({skipped} not answered): {len(vulnerable)} vulnerable")
    return not vulnerable


def npm_audit() -> bool:
    web = ROOT / ".web"
    npm = shutil.which("npm", path=f"{BIN}:/usr/bin:/usr/local/bin")
    if not (web / "package.json").exists() or npm is None:
        print("audit: SKIPPED npm audit: the frontend is not compiled yet (.web/package.json), or no npm")
        return True
    run = subprocess.run([npm, "audit", "--omit=dev", "--json"], capture_output=True, text=True, timeout=300, cwd=web)
    try:
        report = json.loads(run.stdout or "{}")
    except json.JSONDecodeError:
        report = {}
    counts = report.get("metadata", {}).get("vulnerabilities")
    if counts is None:
        status = report.get("statusCode") or report.get("error", {}).get("code") or "no answer"
        print(f"audit: SKIPPED npm audit: the registry's advisory endpoint did not answer ({status})")
        return True
    serious = counts.get("high", 0) + counts.get("critical", 0)
    for name, entry in report.get("vulnerabilities", {}).items():
        if entry.get("severity") in ("high", "critical"):
            print(f"audit: npm {name}: {entry['severity']} (fix available: {bool(entry.get('fixAvailable'))})")
    print(f"audit: npm audit: {counts.get('total', 0)} advisories, {serious} high or critical")
    return serious == 0


def main() -> int:
    results = [pip_audit(), npm_audit()]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
