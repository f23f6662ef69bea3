"""The pack as one self-contained HTML file: images inlined as ``data:`` URIs, styles inline, no script
or resource from the network (it opens offline and can be e-mailed). Text from data is escaped."""

from __future__ import annotations

import base64
import html
import re

import pandas as pd

from harm.briefing.slides import Slide

#: Slide styles, scoped to ``.pack`` so that the Briefing page can show a slide without restyling itself.
SLIDE_CSS = """
.pack{font-family:Arial,Helvetica,sans-serif;color:#0b0c0c}
.pack .slide{box-sizing:border-box;width:min(96vw,1800px);margin:24px auto;background:#fff;padding:32px 44px 20px;
 display:flex;flex-direction:column;break-after:page;box-shadow:0 2px 6px rgba(0,0,0,.2)}
.pack h1{font-size:26pt;margin:0 0 6px;font-weight:bold}
.pack .headline{font-size:20pt;font-weight:bold;color:#005a8c;margin:0 0 12px}
.pack .charts{display:flex;gap:24px;justify-content:center;align-items:flex-start}
.pack .charts img{max-width:100%;height:auto;min-width:0}
.pack figure{margin:0;min-width:0}
.pack figcaption{font-size:16pt;font-weight:bold;margin:0 0 6px}
.pack table{border-collapse:collapse;font-size:18pt;margin:8px 0}
.pack th,.pack td{border:1px solid #b1b4b6;padding:4px 10px;text-align:left}
.pack td.num{text-align:right}
.pack th{background:#f3f2f1}
.pack tr.total td{font-weight:bold}
.pack ul.notes{font-size:18pt;margin:10px 0}
.pack .error{font-size:20pt;color:#b2182b;border-left:6px solid #b2182b;padding:8px 16px}
.pack footer{margin-top:auto;border-top:1px solid #b1b4b6;padding-top:8px;font-size:13pt;color:#505a5f}
.pack footer p{margin:2px 0}
.pack details{font-size:13pt;color:#505a5f}
"""
CSS = "body{margin:0;background:#dee0e2}\n" + SLIDE_CSS + \
    "@media print{body{background:#fff}.pack .slide{box-shadow:none;margin:0;width:100%}}\n"


def _img(png: bytes, width: int, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" width="{width}" alt="{html.escape(alt)}">'


NUMBER = re.compile(r"[-+]?[\d,.]+%?|n/a|–|")


def _td(text: str) -> str:
    """A cell: numbers right-aligned (they line up), words left-aligned (they read)."""
    return f'<td class="num">{html.escape(text)}</td>' if NUMBER.fullmatch(text) else f"<td>{html.escape(text)}</td>"


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for row in frame.itertuples(index=False):
        cls = ' class="total"' if str(row[0]) == "Total" else ""
        cells = "".join(_td("" if pd.isna(v) else str(v)) for v in row)
        rows.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def slide_html(s: Slide, number: int | None = None) -> str:
    """One slide as an HTML ``<section>`` (also what the Briefing page's panel mode shows)."""
    parts = [f'<section class="slide" id="slide-{number or 1}">', f"<h1>{html.escape(s.title)}</h1>"]
    if s.headline:
        parts.append(f'<p class="headline">{html.escape(s.headline)}</p>')
    if s.error:
        parts.append(f'<p class="error">{html.escape(s.error)}</p>')
    else:
        if s.charts:
            parts.append('<div class="charts">' + "".join(
                f"<figure><figcaption>{html.escape(c.meta.title)}</figcaption>{_img(c.png, c.css_width, c.meta.title)}"
                "</figure>" for c in s.charts) + "</div>")
        if s.table is not None:
            parts.append(_table(s.table))
        if s.notes:
            parts.append('<ul class="notes">' + "".join(f"<li>{html.escape(n)}</li>" for n in s.notes) + "</ul>")
    parts.append("<footer>" + "".join(f"<p>{html.escape(line)}</p>" for line in s.footer.lines()) + "</footer>")
    if s.method_detail and not s.error:
        parts.append(f"<details><summary>Method in full</summary><p>{html.escape(s.method_detail)}</p></details>")
    parts.append("</section>")
    return "\n".join(parts)


def html_pack(slides: list[Slide], title: str = "Briefing pack") -> str:
    """All slides in one HTML document (a string), in order."""
    body = "\n".join(slide_html(s, i) for i, s in enumerate(slides, start=1))
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<style>{CSS}</style></head><body><main class="pack">\n{body}\n</main></body></html>\n')
