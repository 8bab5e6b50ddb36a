"""Server-side SVG charts for the dashboard.

Plain SVG built here (no JavaScript, no inline styles): colours come from classes in
``static/app.css``; every chart has a title and a description for screen readers, and the
numbers are also printed next to the bars so nobody has to read lengths.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

WIDTH = 640
LABEL_WIDTH = 220
ROW = 26
BAR = 12


def bar_chart(chart_id: str, title: str, labels: list[str], series: Mapping[str, Sequence[float]]) -> Markup:
    """Horizontal bars: one row per label, one bar per series in that row."""
    names = list(series)
    top = max([v for values in series.values() for v in values] + [1])
    row_height = max(ROW, (BAR + 2) * len(names) + 8)
    legend_height = 20 if len(names) > 1 else 0
    height = legend_height + row_height * max(1, len(labels)) + 4
    plot_width = WIDTH - LABEL_WIDTH - 60
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-d">{escape(_describe(labels, series))}</desc>',
    ]
    if len(names) > 1:
        x = LABEL_WIDTH
        for index, name in enumerate(names):
            parts.append(f'<rect class="series-{index}" x="{x}" y="4" width="10" height="10"/>')
            parts.append(f'<text class="legend" x="{x + 14}" y="13">{escape(name)}</text>')
            x += 24 + 8 * len(name)
    if not labels:
        parts.append(f'<text class="axis" x="{LABEL_WIDTH}" y="{legend_height + 15}">Keine Daten</text>')
    for row, text in enumerate(labels):
        y0 = legend_height + row * row_height
        parts.append(
            f'<text class="axis" x="{LABEL_WIDTH - 6}" y="{y0 + row_height / 2 + 4}" '
            f'text-anchor="end">{escape(_short(text))}</text>'
        )
        for index, name in enumerate(names):
            value = series[name][row]
            width = plot_width * value / top
            y = y0 + 4 + index * (BAR + 2)
            parts.append(f'<rect class="series-{index}" x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR}"/>')
            parts.append(f'<text class="value" x="{LABEL_WIDTH + width + 4:.1f}" y="{y + BAR - 2}">{value:g}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(labels: list[str], series: Mapping[str, Sequence[float]]) -> str:
    rows = []
    for row, text in enumerate(labels):
        values = ", ".join(f"{name} {values[row]:g}" for name, values in series.items())
        rows.append(f"{text}: {values}")
    return "; ".join(rows) or "Keine Daten"
