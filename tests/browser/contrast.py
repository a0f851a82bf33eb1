"""WCAG AA contrast of the text on a page, measured in the page itself.

For every visible element with text of its own, the browser's computed text
colour is laid over the colours actually behind it: the element's and its
ancestors' backgrounds, composited from the first opaque one up, with each
colour stop of a gradient tried in turn (the worst one counts), and faded by
any opacity on the way. Normal text needs 4.5:1, large text (24px, or 18.66px
bold) 3:1. Disabled controls are exempt (WCAG 1.4.3), as is text painted with
a gradient (colour: transparent), which has no single colour to measure.
"""

from __future__ import annotations

CONTRAST_JS = r"""
(rootSelector) => {
  const parse = (value) => {
    const m = value.match(/rgba?\(([^)]+)\)/);
    if (m) {
      const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    }
    const s = value.match(/color\(srgb ([^)]+)\)/);
    if (s) {
      const p = s[1].split(/[\s\/]+/).filter(Boolean).map(Number);
      return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1];
    }
    return null;
  };
  const over = (top, below) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + below[i] * (1 - a)).concat([1]);
  };
  const channel = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  };
  const luminance = (c) => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const gradientStops = (image) => {
    if (!image || image === "none") return [];
    return (image.match(/rgba?\([^)]+\)|color\(srgb [^)]+\)/g) || []).map(parse);
  };
  // Every background this element's text may sit on (several under a gradient).
  const backgrounds = (el) => {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      const stops = gradientStops(style.backgroundImage).filter((c) => c[3] > 0);
      const colour = parse(style.backgroundColor);
      layers.push({ stops, colour });
      if ((colour && colour[3] >= 1) || (stops.length && stops.every((c) => c[3] >= 1))) break;
    }
    let grounds = [[255, 255, 255, 1]];
    for (let i = layers.length - 1; i >= 0; i--) {
      const { stops, colour } = layers[i];
      if (colour && colour[3] > 0) grounds = grounds.map((g) => over(colour, g));
      if (stops.length) grounds = grounds.flatMap((g) => stops.map((s) => over(s, g)));
    }
    return grounds;
  };
  const opacity = (el) => {
    let o = 1;
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      o *= Number(getComputedStyle(node).opacity);
    }
    return o;
  };
  const describe = (el) => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += "#" + el.id;
    const cls = (el.getAttribute("class") || "").trim().split(/\s+/).filter(Boolean).slice(0, 3);
    if (cls.length) d += "." + cls.join(".");
    const testid = el.closest("[data-testid]");
    if (testid) d += ` in [data-testid=${testid.getAttribute("data-testid")}]`;
    return d;
  };
  const failures = [];
  let checked = 0;
  const root = document.querySelector(rootSelector) || document.body;
  for (const el of root.querySelectorAll("*")) {
    if (el.closest("svg, script, style, noscript, [hidden]")) continue;
    const text = Array.from(el.childNodes)
      .filter((n) => n.nodeType === 3)
      .map((n) => n.textContent)
      .join("")
      .trim();
    if (!text) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width <= 1 || rect.height <= 1) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== "visible" || style.display === "none") continue;
    if (el.closest(":disabled, [aria-disabled=true]")) continue;
    const fg = parse(style.color);
    if (!fg || fg[3] === 0) continue;
    const fade = opacity(el);
    if (fade === 0) continue;
    const size = parseFloat(style.fontSize);
    const bold = Number(style.fontWeight) >= 700;
    const large = size >= 24 || (size >= 18.66 && bold);
    const needed = large ? 3 : 4.5;
    let worst = Infinity;
    let worstGround = null;
    for (const ground of backgrounds(el)) {
      const ink = over([fg[0], fg[1], fg[2], fg[3] * fade], ground);
      const r = ratio(ink, ground);
      if (r < worst) [worst, worstGround] = [r, ground];
    }
    checked += 1;
    if (worst < needed - 0.005) {
      failures.push({
        element: describe(el),
        text: text.slice(0, 60),
        ratio: Math.round(worst * 100) / 100,
        needed,
        colour: style.color,
        background: `rgb(${worstGround.slice(0, 3).map(Math.round).join(", ")})`,
      });
    }
  }
  return { checked, failures };
}
"""


def contrast_report(page, root: str = "body") -> dict:
    """{"checked": number of text elements measured, "failures": [...]} for the page as it is now."""
    return page.evaluate(CONTRAST_JS, root)


def describe_failures(failures: list[dict]) -> str:
    return "\n".join(
        f"  {f['ratio']}:1 < {f['needed']}:1  {f['element']}  {f['text']!r}  ({f['colour']} on {f['background']})"
        for f in failures
    )
