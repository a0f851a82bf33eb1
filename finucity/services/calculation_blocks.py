"""A calculator's result stored inside an answer's text, so its card survives a reload.

An answer that used a calculator (a model's tool call, or the offline
assistant's worked answer) carries the result as a fenced block at the start
of its content:

    ```finucity-calc
    {"kind": "emi", "title": "Loan EMI", "figures": [...], ...}
    ```

The JSON is `Calculation.to_dict()`: amounts already in rupees with Indian
grouping, the working, and the rule set's name and date. Keeping it in the
content (not a new column) means the saver, the live bus, the readers on
other workers and the exports carry it with no change; the chat turns each
block into the card (states/rows.py) and the Markdown renderer shows a
one-line summary wherever the raw content is rendered (the admin view, the
text while it streams). A block that does not parse is left as text.

Only the server writes blocks: each carries an HMAC of its JSON under the
app's secret in the fence's info string (```finucity-calc <signature>). A
block a model (or a prompt injection) wrote itself fails the check and is
shown as plain JSON text, never as a card with official-looking figures.
(Rotating SECRET_KEY turns the cards of older answers into such text.)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any

from finucity.config import get_settings
from finucity.finance.result import Calculation

LANGUAGE = "finucity-calc"
_BLOCK = re.compile(r"```" + LANGUAGE + r"(?: (?P<sig>[0-9a-f]{1,64}))?\n(?P<json>[^\n]*)\n```[ \t]*\n*")
# Keys a stored block must have for the card to draw it.
_REQUIRED = ("kind", "title", "figures", "steps", "rule_set", "rule_date_text", "source")


def encode(calculation: Calculation) -> str:
    """The block for one result, with the blank line that separates it from the text after it."""
    data = json.dumps(calculation.to_dict(), ensure_ascii=False, separators=(",", ":"))
    # A backquote from an input (a state's name as the model gave it) must not close the fence.
    data = data.replace("`", "\\u0060")
    return f"```{LANGUAGE} {_signature(data)}\n{data}\n```\n\n"


def _signature(data: str) -> str:
    key = get_settings().secret + b"|" + LANGUAGE.encode()
    return hmac.new(key, data.encode(), hashlib.sha256).hexdigest()[:32]


def split(content: str) -> tuple[str, list[dict[str, Any]]]:
    """The text without its calculation blocks, and the blocks' data in order."""
    if LANGUAGE not in content:
        return content, []
    found: list[dict[str, Any]] = []

    def take(match: re.Match) -> str:
        if not hmac.compare_digest(match["sig"] or "", _signature(match["json"])):
            # Not written by this server: the JSON as plain text, no card, no summary.
            return f"```text\n{match['json']}\n```\n\n"
        try:
            data = json.loads(match["json"])
        except ValueError:
            return match[0]
        if not isinstance(data, dict) or any(key not in data for key in _REQUIRED) or not data["figures"]:
            return match[0]
        found.append(data)
        return ""

    return _BLOCK.sub(take, content).strip(), found


def leading(content: str) -> str:
    """The calculation blocks at the very start of `content` (with their blank lines), or ""."""
    end = 0
    while match := _BLOCK.match(content, end):
        end = match.end()
    return content[:end]


def summary(data: dict[str, Any]) -> str:
    """One line for the model's history: what was calculated and its figures."""
    figures = "; ".join(f"{f['label']}: {f['text']}" for f in data["figures"])
    return f"[Calculated with Finucity's {data['title']} calculator ({data['rule_set']}): {figures}]"


def for_history(content: str) -> str:
    """An earlier answer as the model is sent it: each card as its one-line summary (a loan's
    schedule would cost thousands of tokens and tells the model nothing new)."""
    text, blocks = split(content)
    if not blocks:
        return content
    return "\n".join([*(summary(b) for b in blocks), text]).strip()
