"""The visual system in one place.

Colours, type and spacing are CSS custom properties in assets/finucity.css
(the spec's palette: gradient blue, fintech gold, three dark backgrounds);
components refer to its classes by name. This module holds what Python needs:
the stylesheet, the Radix theme that dialogs and selects wear, and the icon
and label of each category.
"""

from __future__ import annotations

import reflex as rx

from finucity.models import Category

STYLESHEETS = ["/finucity.css", "/admin.css"]

# "inherit": Radix follows the light/dark class Reflex puts on <html> before
# the first paint (from localStorage "theme", else the device's preference).
RADIX_THEME = rx.theme(appearance="inherit", accent_color="indigo", gray_color="slate", radius="large", scaling="100%")

# Charts (Recharts) take colours as props: CSS variables, so they follow the theme too.
CHART_TOOLTIP_STYLE = {
    "background": "var(--fc-surface)",
    "border": "1px solid var(--fc-border-strong)",
    "borderRadius": 10,
}

CATEGORY_ICONS: dict[str, str] = {
    Category.general.value: "sparkles",
    Category.income_tax.value: "receipt-indian-rupee",
    Category.gst.value: "file-spreadsheet",
    Category.investment.value: "trending-up",
    Category.business.value: "briefcase-business",
    Category.insurance.value: "shield-check",
}


def classes(*names: str | None) -> str:
    """Join class names, skipping empty ones."""
    return " ".join(n for n in names if n)
