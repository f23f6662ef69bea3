"""The pack as PowerPoint (python-pptx): editable titles, headlines, notes and tables; charts as PNG images;
a footer on every slide with source, period, filters and method; the full method in the speaker notes."""

from __future__ import annotations

import io

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from harm.briefing.slides import Slide

WIDE = (Inches(13.333), Inches(7.5))
MARGIN = Inches(0.45)
TEXT = RGBColor(0x0B, 0x0C, 0x0C)
GREY = RGBColor(0x50, 0x5A, 0x5F)
ACCENT = RGBColor(0x00, 0x72, 0xB2)
ERROR = RGBColor(0xB2, 0x18, 0x2B)
CONTENT_TOP = Inches(1.55)
FOOTER_TOP = Inches(6.55)
TABLE_FONT = Pt(12)


def _text(slide, left, top, width, height, lines, *, size, bold=False, colour=TEXT, bullets=False):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = ("• " if bullets else "") + line
        run.font.size, run.font.bold = size, bold
        run.font.color.rgb = colour
    return box


def _picture(slide, png: bytes, left, top, box_width, box_height, pixels: tuple[int, int]):
    width, height = pixels
    scale = min(box_width / width, box_height / height)
    w, h = int(width * scale), int(height * scale)
    return slide.shapes.add_picture(io.BytesIO(png), Emu(left + (box_width - w) // 2), Emu(top), Emu(w), Emu(h))


def _table(slide, frame: pd.DataFrame, left, top, width, max_height):
    rows, cols = len(frame) + 1, len(frame.columns)
    row_height = min(Inches(0.4), int(max_height / rows))
    shape = slide.shapes.add_table(rows, cols, left, top, width, Emu(row_height * rows))
    table = shape.table
    for c, share in enumerate(column_shares(frame)):
        table.columns[c].width = Emu(int(width * share))
    for c, name in enumerate(frame.columns):
        _cell(table.cell(0, c), str(name), bold=True)
    for r, row in enumerate(frame.itertuples(index=False), start=1):
        total = str(row[0]) == "Total"
        for c, value in enumerate(row):
            _cell(table.cell(r, c), "" if pd.isna(value) else str(value), bold=total)
    return shape


def column_shares(frame: pd.DataFrame) -> list[float]:
    """Each column's share of the table width, by its longest text (header words count once each),
    so that verdicts such as "▲ statistically significant increase" stay on one line."""
    longest = []
    for name in frame.columns:
        values = [len(str(v)) for v in frame[name]]
        longest.append(max([max(map(len, str(name).split()), default=1), *values]) + 2)
    total = sum(longest)
    return [n / total for n in longest]


def _cell(cell, text: str, *, bold: bool = False):
    from harm.briefing.html_pack import NUMBER

    cell.text = text
    for paragraph in cell.text_frame.paragraphs:
        paragraph.alignment = PP_ALIGN.RIGHT if text and NUMBER.fullmatch(text) else PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size, run.font.bold = TABLE_FONT, bold
    cell.margin_left = cell.margin_right = Inches(0.05)


def _add_slide(prs: Presentation, s: Slide) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    width = prs.slide_width - 2 * MARGIN
    _text(slide, MARGIN, Inches(0.25), width, Inches(0.7), [s.title], size=Pt(28), bold=True)
    if s.headline:
        _text(slide, MARGIN, Inches(0.92), width, Inches(0.5), [s.headline], size=Pt(20), colour=ACCENT, bold=True)
    bottom = FOOTER_TOP - Inches(0.1)
    if s.error:
        _text(slide, MARGIN, CONTENT_TOP, width, Inches(1.5), [s.error], size=Pt(20), colour=ERROR)
    else:
        notes_height = Inches(0.35) * min(len(s.notes), 3) if s.notes else 0
        content_height = bottom - CONTENT_TOP - notes_height
        if s.charts:
            gap = Inches(0.25)
            each = int((width - gap * (len(s.charts) - 1)) / len(s.charts))
            caption = Inches(0.4)
            for i, chart in enumerate(s.charts):
                left = MARGIN + i * (each + gap)
                _text(slide, left, CONTENT_TOP - Inches(0.05), each, caption, [chart.meta.title], size=Pt(14),
                      bold=True)
                _picture(slide, chart.png, left, CONTENT_TOP + caption, each, content_height - caption,
                         (chart.width, chart.height))
        if s.table is not None:
            _table(slide, s.table, MARGIN, CONTENT_TOP, width, content_height)
        if s.notes:
            _text(slide, MARGIN, bottom - notes_height, width, notes_height, s.notes[:3], size=Pt(14), bullets=True)
    _text(slide, MARGIN, FOOTER_TOP, width, prs.slide_height - FOOTER_TOP - Inches(0.1), s.footer.lines(),
          size=Pt(10), colour=GREY)
    notes = [*s.notes, s.method_detail] if not s.error else [s.error, s.method_detail]
    slide.notes_slide.notes_text_frame.text = "\n".join(n for n in notes if n)


def pptx_pack(slides: list[Slide]) -> bytes:
    """The slides as a 16:9 PowerPoint file (bytes): one slide per entry, in order."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDE
    for s in slides:
        _add_slide(prs, s)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
