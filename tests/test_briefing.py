"""The briefing pack (PowerPoint and HTML), the chart registry and the ``brief`` / ``chart`` commands."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from harm import performance as pf
from harm.areas import load_area_set
from harm.briefing import (CHARTS, DEFAULT_SLIDES, briefing_context, build_slides, html_pack, parse_slide_names,
                           pptx_pack)
from harm.briefing import registry
from harm.map_charts import spread_labels, wrapped
from harm.spend.charts import label_groups
from harm.briefing.slides import png_size
from harm.cli import main
from harm.demo import DEMO_LABEL
from harm.errors import HarmInputError
from harm.incidents import PRECISIONS

HEADLINES = {"performance": "Violence is down in most areas", "hotspots": "Friday and Saturday nights dominate"}


@pytest.fixture(scope="module")
def ctx(demo_incidents):
    return briefing_context(demo_incidents, load_area_set("policing-area"), as_of="2019-10", is_demo=True)


@pytest.fixture(scope="module")
def slides(ctx):
    return build_slides(ctx, list(DEFAULT_SLIDES), HEADLINES)


@pytest.fixture(scope="module")
def deck(slides):
    return Presentation(io.BytesIO(pptx_pack(slides)))


def texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def test_context_defaults_and_checks(demo_incidents, ctx):
    assert ctx.as_of == "2019-10"
    assert (ctx.filters.first_month, ctx.filters.last_month) == ("2018-11", "2019-10")  # twelve months to as-of
    latest = briefing_context(demo_incidents, load_area_set("policing-area"))
    assert latest.as_of == "2020-03"  # the last complete month of the demo data
    with pytest.raises(HarmInputError, match="end before"):
        briefing_context(demo_incidents, load_area_set("policing-area"), as_of="2021-01")
    with pytest.raises(HarmInputError, match="no area called 'Atlantis'"):
        briefing_context(demo_incidents, load_area_set("policing-area"), areas=("Atlantis",))


def test_every_default_slide_builds(slides):
    assert [s.name for s in slides] == list(DEFAULT_SLIDES)
    assert [s.error for s in slides] == [None] * len(slides)
    assert [len(s.charts) for s in slides] == [0, 1, 2, 2, 1]
    for s in slides:
        for chart in s.charts:
            assert png_size(chart.png) == (chart.width, chart.height)
            assert Image.open(io.BytesIO(chart.png)).size == (chart.width, chart.height)


def test_pptx_has_one_slide_per_view_with_images_tables_and_footer(deck, slides, ctx):
    assert len(deck.slides) == len(DEFAULT_SLIDES)
    for page, s in zip(deck.slides, slides):
        words = "\n".join(texts(page))
        assert s.title in words
        # every slide says it is synthetic: the crime label where it shows incidents, the spend and
        # treatment labels on the spend slide (which shows no incidents)
        assert (DEMO_LABEL in words) == (s.name != "spend-outcomes")
        assert "Source: Synthetic demonstration" in words
        for line in ("Source:", "Period:", "Filters:", "Method:"):
            assert line in words
        pictures = [sh for sh in page.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == len(s.charts)
        for picture, chart in zip(pictures, s.charts):
            image = Image.open(io.BytesIO(picture.image.blob))
            assert image.format == "PNG" and image.size == (chart.width, chart.height)
            assert abs(picture.width / picture.height - chart.width / chart.height) < 0.01  # not stretched
            assert picture.left >= 0 and picture.left + picture.width <= deck.slide_width
    assert "Violence is down in most areas" in texts(deck.slides[0])
    assert "Friday and Saturday nights dominate" in texts(deck.slides[2])


def test_pptx_performance_table_is_editable_and_matches_the_engine(deck, ctx):
    tables = [sh.table for sh in deck.slides[0].shapes if sh.has_table]
    assert len(tables) == 1
    table = tables[0]
    header = [table.cell(0, c).text for c in range(len(table.columns))]
    assert header[:4] == ["Area", "YTD", "YTD last year", "% change"]
    rows = {table.cell(r, 0).text: [table.cell(r, c).text for c in range(len(table.columns))]
            for r in range(1, len(table.rows))}
    expected = pf.performance_table(registry.measure_counts(ctx), "2019-10", coverage=pf.months_covered(ctx.incidents))
    total = expected[expected["area"] == pf.TOTAL_LABEL].iloc[0]
    assert rows["Total"][1].replace(",", "") == str(total["ytd"])
    assert set(ctx.area_set.names) <= set(rows)
    assert any(cell.startswith(("▲", "▼", "●")) for cell in rows["Total"])
    notes = deck.slides[0].notes_slide.notes_text_frame.text
    assert "Benjamini-Hochberg" in notes  # the full method note is in the speaker notes


def test_html_pack_is_self_contained(slides):
    page = html_pack(slides)
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"""(src|href)\s*=\s*["'](?!data:)""", page)  # every resource is inline
    assert page.count('<section class="slide"') == len(slides)
    images = re.findall(r'<img src="data:image/png;base64,([^"]+)" width="(\d+)"', page)
    assert len(images) == sum(len(s.charts) for s in slides)
    first = Image.open(io.BytesIO(base64.b64decode(images[0][0])))
    assert first.size[0] == 2 * int(images[0][1])  # drawn at half size: 2x for sharp print
    assert page.count(DEMO_LABEL) >= len(slides) - 1  # all but the spend slide, labelled its own way
    assert page.count("Source: Synthetic demonstration") == len(slides)
    assert "Friday and Saturday nights dominate" in page


def test_html_pack_escapes_text_from_data(slides):
    import dataclasses

    evil = dataclasses.replace(slides[0], headline="<script>alert(1)</script>",
                               table=pd.DataFrame({"Area": ["<img src=x onerror=alert(1)>"], "YTD": ["1"]}))
    page = html_pack([evil])
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_a_failing_slide_says_why_and_the_pack_still_builds(ctx, monkeypatch):
    def broken(_ctx):
        raise RuntimeError("engine exploded")

    monkeypatch.setitem(CHARTS, "spend-outcomes", registry.ChartSpec("spend-outcomes", "Spend", broken))
    monkeypatch.setitem(CHARTS, "day-hour", registry.ChartSpec("day-hour", "Day x hour matrix", broken))
    built = build_slides(ctx, ["spend-outcomes", "hotspots", "performance"])
    assert "RuntimeError: engine exploded" in built[0].error and built[0].charts == []
    assert built[1].error is None and [c.name for c in built[1].charts] == ["hotspot-map"]  # the map stays
    assert "Day x hour matrix: not shown (RuntimeError: engine exploded)" in built[1].notes
    assert built[2].error is None and built[2].table is not None
    deck = Presentation(io.BytesIO(pptx_pack(built)))
    assert len(deck.slides) == 3
    assert any("engine exploded" in t for t in texts(deck.slides[0]))
    assert sum(1 for sh in deck.slides[1].shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE) == 1


def test_month_only_data_keeps_the_map_and_says_why_there_is_no_matrix(demo_incidents):
    month_only = demo_incidents[demo_incidents["occurred_from"] >= "2018-04-01"].copy()
    month_only["occurred_from"] = month_only["occurred_from"].dt.to_period("M").dt.to_timestamp()
    month_only["occurred_to"] = pd.NaT
    month_only["date_precision"] = pd.Categorical(["month"] * len(month_only), categories=list(PRECISIONS))
    ctx = briefing_context(month_only.reset_index(drop=True), load_area_set("policing-area"), as_of="2020-02")
    (slide,) = build_slides(ctx, ["hotspots"])
    assert slide.error is None and [c.name for c in slide.charts] == ["hotspot-map"]
    assert any("month only, no day or time of day" in n for n in slide.notes)
    assert not ctx.is_demo and "Synthetic" not in slide.footer.text()


def test_slide_names_are_checked():
    assert parse_slide_names(None) == list(DEFAULT_SLIDES)
    assert parse_slide_names(" hotspots, performance ") == ["hotspots", "performance"]
    with pytest.raises(HarmInputError, match="no slide called 'cover'"):
        parse_slide_names("performance,cover")


def test_every_registered_chart_builds(ctx):
    for name in CHARTS:
        chart, data, meta = registry.build_chart(name, ctx)
        assert len(data) > 0, name
        assert meta.title and meta.demo, name


def test_day_hour_chart_data_is_the_engine_matrix(ctx):
    from harm import problem_profile as pp

    _, data, _ = registry.build_chart("day-hour", ctx)
    assert len(data) == 168
    expected = pp.day_hour_matrix(registry.hour_weights(ctx), ctx.mask)
    assert data["weight"].sum() == pytest.approx(expected["weight"].sum())
    assert data["weight"].sum() == pytest.approx(ctx.mask.sum() - (ctx.mask & ctx.incidents["occurred_from"].dt.hour
                                                                   .isna().to_numpy()).sum(), rel=0.05)


def test_map_labels_do_not_overlap():
    labels = pd.DataFrame({"name": ["North\nWarwickshire", "Nuneaton and\nBedworth"], "x": [0.0, 0.0],
                           "y": [0.0, 0.0], "size": [2.0, 1.0]})
    ys = spread_labels(labels, metres_per_px=100)
    assert ys[0] == 0.0 and abs(ys[1]) >= 2 * 1.15 * 24 * 100  # the smaller area's label moves clear
    assert wrapped("Nuneaton and Bedworth") == "Nuneaton and\nBedworth"


def test_close_points_share_one_label():
    frame = pd.DataFrame({"area": ["North", "South", "Far"], "x": [7.0, 7.0, 14.0], "y": [0.232, 0.229, 0.12]})
    assert label_groups(frame, "x", "y") == ["North / South", "", "Far"]


# --- the command line ------------------------------------------------------------------------------

def test_chart_cli_writes_png_svg_and_csv(tmp_path, capsys):
    for fmt in ("png", "svg", "csv"):
        out = tmp_path / f"spend.{fmt}"
        assert main(["chart", "spend-outcomes", "--area-level", "csp", "--format", fmt, "--out", str(out)]) == 0
        assert out.stat().st_size > 0
    width, height = Image.open(tmp_path / "spend.png").size
    assert width >= 1600 and height >= 800  # 2x for print
    svg = (tmp_path / "spend.svg").read_text()
    assert svg.lstrip().startswith("<svg") and "spend per resident" in svg
    assert DEMO_LABEL in svg  # the label is written into the image itself
    csv = (tmp_path / "spend.csv").read_text().splitlines()
    assert csv[0].startswith("# Drug and alcohol spend per resident")
    header = next(line for line in csv if not line.startswith("#"))
    assert header.startswith("area,year,spend,population,spend_per_head")
    assert "wrote spend-outcomes (csv" in capsys.readouterr().out


def test_chart_cli_lists_the_names(capsys):
    assert main(["chart", "--list"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == list(CHARTS)


def test_brief_cli_writes_both_formats(tmp_path):
    pptx, page = tmp_path / "pack.pptx", tmp_path / "pack.html"
    args = ["brief", "--area-level", "policing-area", "--as-of", "2019-10", "--slides", "spend-outcomes,performance"]
    assert main([*args, "--headline", "performance=Down again", "--format", "pptx", "--out", str(pptx)]) == 0
    deck = Presentation(str(pptx))
    assert len(deck.slides) == 2
    assert "Down again" in texts(deck.slides[1])
    assert main([*args, "--out", str(page)]) == 0  # the format from the file name
    assert "https://" not in page.read_text() and page.read_text().count('<section class="slide"') == 2


@pytest.mark.parametrize("argv, message", [
    (["chart", "nope", "--out", "x.png"], "no chart called 'nope'"),
    (["chart", "spc", "--format", "gif", "--out", "x.gif"], "unknown format 'gif'"),
    (["chart", "spc"], "no --out file given"),
    (["brief", "--slides", "performance,cover", "--out", "x.pptx"], "no slide called 'cover'"),
    (["brief", "--as-of", "2030-01", "--out", "x.pptx"], "the data end before the as-of month 2030-01"),
    (["brief", "--as-of", "March", "--out", "x.pptx"], "--as-of"),
    (["brief", "--headline", "nothing", "--out", "x.pptx"], "--headline 'nothing' does not name a chosen slide"),
    (["brief", "--out", "x.doc"], "unknown format 'doc'"),
])
def test_cli_errors_are_one_line_and_exit_2(argv, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err
    assert not list(tmp_path.iterdir())  # nothing written


# --- the page ----------------------------------------------------------------------------------

def test_briefing_page_first_render():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=240)
    at.query_params["level"] = "policing-area"
    at.run()
    at.switch_page("pages/briefing.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Briefing"
    assert list(at.multiselect(key="brief_slides").value) == list(DEFAULT_SLIDES)
    assert at.selectbox(key="brief_as_of").value == "2020-03"
    assert [b.label for b in at.button][:2] == ["↑", "↓"]
