"""Screenshots for people to look at (written to screenshots/, never committed)."""

from __future__ import annotations

from pathlib import Path

from finucity.config import PROJECT_ROOT

SCREENSHOT_DIR = PROJECT_ROOT / "screenshots"


def screenshot(page, name: str, *, full_page: bool = False) -> Path:
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
