"""The treatment and spend slides on a user's treatment and spend data: the numbers they show, the
source their footers name, ``brief`` / ``chart --treatment --spend`` (files and stored data sets), and
the Briefing page's choice of stored data sets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from harm.areas import load_area_set
from harm.briefing import briefing_context, build_slides, registry
from harm.cli import main
from harm.demo import DEMO_LABEL
from harm.io.importer import FileInput, import_table
from harm.spend import spend_against_outcomes, treatment_counts
from harm.spend.reader import read_spend_file
from harm.treatment import outcomes, read_treatment_file
from user_tables import SPEND, TREATMENT_ROWS, spend_file, treatment_file

SLIDES = ["drugs-treatment", "spend-outcomes"]


@pytest.fixture(scope="module")
def treatment():
    return read_treatment_file(treatment_file(), "treatment.csv")


@pytest.fixture(scope="module")
def spend():
    return read_spend_file("spend.csv", raw=spend_file(), name="spend.csv").frame


@pytest.fixture(scope="module")
def user_ctx(demo_incidents, treatment, spend):
    return briefing_context(demo_incidents, load_area_set("policing-area"), as_of="2019-10", is_demo=True,
                            treatment=treatment, spend=spend, spend_source="Spend: spend.csv")


@pytest.fixture(scope="module")
def user_slides(user_ctx):
    return dict(zip(SLIDES, build_slides(user_ctx, SLIDES)))


def test_treatment_slide_shows_the_users_completions(user_slides, treatment):
    slide = user_slides["drugs-treatment"]
    assert slide.error is None
    shown = next(c for c in slide.charts if c.name == "treatment-completions")
    expected = outcomes.outcome_table(treatment.annual_frame(), "completion", level="la", years=["2019/20"],
                                      substances=["opiate"], total_label=outcomes.TOTAL_AREA)
    data = shown.data.set_index("area")
    for row in expected.itertuples():
        assert int(data.loc[row.area, "numerator"]) == row.numerator
        assert int(data.loc[row.area, "denominator"]) == row.denominator
        assert float(data.loc[row.area, "rate"]) == pytest.approx(row.rate)
        assert data.loc[row.area, "vs_england"] == row.vs_england
    assert float(data.loc["Herefordshire", "rate"]) == pytest.approx(40 / 400)
    assert data.loc["Herefordshire", "england_rate"] == pytest.approx(7000 / 140000)
    assert shown.meta.source == "Treatment CSV (treatment.csv)" and not shown.meta.demo
    assert "Treatment figures: Treatment CSV (treatment.csv)." in slide.notes
    # The police chart on the slide is still the demo data, so the synthetic label stays beside the source.
    assert slide.footer.text().startswith(f"Source: {DEMO_LABEL}. Treatment CSV (treatment.csv)")


def test_spend_slide_shows_the_users_spend_against_their_outcomes(user_slides, treatment, spend):
    slide = user_slides["spend-outcomes"]
    assert slide.error is None
    data = slide.charts[0].data.set_index("area")
    expected = spend_against_outcomes(spend, treatment_counts(treatment, "la"), "la").set_index("area")
    for area, amount in SPEND.items():
        assert data.loc[area, "spend"] == amount == expected.loc[area, "spend"]
        assert data.loc[area, "completions"] == expected.loc[area, "completions"]
        assert data.loc[area, "cost_per_completion"] == pytest.approx(expected.loc[area, "cost_per_completion"],
                                                                      abs=0.005)
    in_treatment, completions = {r[0]: r[3] for r in TREATMENT_ROWS}, {r[0]: r[4] for r in TREATMENT_ROWS}
    assert data.loc["Herefordshire", "cost_per_completion"] == pytest.approx(2_000_000 / completions["Herefordshire"],
                                                                             abs=0.005)
    assert data.loc["Worcestershire", "completion_rate"] == pytest.approx(
        completions["Worcestershire"] / in_treatment["Worcestershire"])
    footer = slide.footer
    assert not footer.demo and "Synthetic" not in footer.text()
    assert footer.source == "Spend: spend.csv; treatment: Treatment CSV (treatment.csv)"


def test_the_demo_stays_labelled_where_it_is_used(demo_incidents, spend):
    demo_ctx = briefing_context(demo_incidents, load_area_set("csp"), as_of="2019-10", is_demo=True)
    _, _, meta = registry.build_chart("spend-outcomes", demo_ctx)
    assert meta.demo and meta.source == "Synthetic demonstration spend and treatment data"
    mixed = briefing_context(demo_incidents, load_area_set("csp"), as_of="2019-10", spend=spend,
                             spend_source="Spend: spend.csv")
    _, _, meta = registry.build_chart("spend-outcomes", mixed)
    assert meta.demo and meta.source.startswith("Spend: spend.csv; treatment: Synthetic demonstration treatment")


# --- the command line ------------------------------------------------------------------------------

@pytest.fixture
def files(tmp_path):
    paths = tmp_path / "treatment.csv", tmp_path / "spend.csv"
    paths[0].write_bytes(treatment_file())
    paths[1].write_bytes(spend_file())
    return paths


def test_brief_cli_uses_the_treatment_and_spend_files(files, tmp_path, capsys):
    out = tmp_path / "pack.html"
    assert main(["brief", "--area-level", "policing-area", "--as-of", "2019-10", "--slides", ",".join(SLIDES),
                 "--treatment", str(files[0]), "--spend", str(files[1]), "--format", "html", "--out", str(out)]) == 0
    page = out.read_text()
    assert page.count('<section class="slide"') == 2
    assert "<p>Source: Spend: spend.csv; treatment: Treatment CSV (treatment.csv)</p>" in page
    assert "Treatment figures: Treatment CSV (treatment.csv)." in page
    captured = capsys.readouterr()
    assert f"{files[1]}: read 5, loaded 5, rejected 0, duplicates 0" in captured.err
    assert captured.out.startswith(f"wrote 2 slides to {out} (html")


def test_chart_cli_reads_stored_data_sets(tmp_path, capsys, store_with_demo):
    import_table([FileInput("treatment.csv", treatment_file())], "treatment", "My treatment")
    import_table([FileInput("spend.csv", spend_file())], "spend", "PCC spend")
    out = tmp_path / "spend-outcomes.csv"
    argv = ["chart", "spend-outcomes", "--treatment", "My treatment", "--spend", "PCC spend", "--out", str(out)]
    assert main(argv) == 2  # by CSP (the default level), and these data are per local authority
    assert "no year has both spend and successful completions by Community Safety Partnerships" in \
        capsys.readouterr().err
    assert main([*argv, "--area-level", "lad"]) == 0
    lines = out.read_text().splitlines()
    assert "# Source: Spend: PCC spend; treatment: Treatment CSV (treatment.csv)" in lines
    table = pd.read_csv(out, comment="#").set_index("area")
    assert table["spend"].to_dict() == {area: float(amount) for area, amount in SPEND.items()}


@pytest.mark.parametrize("argv, message", [
    (["brief", "--treatment", "nope.csv", "--out", "x.html"],
     "error: nope.csv: no such file, and no stored treatment data set of that name."),
    (["brief", "--spend", "nope.csv", "--out", "x.html"],
     "error: nope.csv: no such file, and no stored spend data set of that name."),
    (["chart", "spend-outcomes", "--treatment", "nope.csv", "--out", "x.csv"],
     "error: nope.csv: no such file, and no stored treatment data set of that name."),
])
def test_a_missing_treatment_or_spend_is_one_line_and_exit_2(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(message)
    assert not list(tmp_path.iterdir())  # nothing written


# --- the page ----------------------------------------------------------------------------------------

def test_briefing_page_uses_the_stored_sets_chosen(store_with_demo):
    from streamlit.testing.v1 import AppTest

    import_table([FileInput("treatment.csv", treatment_file())], "treatment", "My treatment")
    import_table([FileInput("spend.csv", spend_file())], "spend", "PCC spend")
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=240)
    at.query_params["level"] = "policing-area"
    at.run()
    for key, value in {"brief_treatment_set": "My treatment", "brief_spend_set": "PCC spend",
                       "brief_slides": ["spend-outcomes"]}.items():
        at.session_state[key] = value
    at.switch_page("pages/briefing.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="brief_treatment_set").options == ["Demo data (synthetic)", "My treatment"]
    assert at.selectbox(key="brief_spend_set").value == "PCC spend"
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Treatment: Data set My treatment: Treatment CSV (treatment.csv). Spend: data set PCC spend." in captions
    preview = " ".join(h.proto.body for h in at.get("html"))
    assert "Source: Spend: data set PCC spend; treatment: Data set My treatment: Treatment CSV (treatment.csv)" \
        in preview
    assert "Synthetic" not in preview.split("<footer>")[1]


def test_real_police_data_beside_demo_treatment_is_not_called_synthetic_crime(demo_incidents):
    own = briefing_context(demo_incidents, load_area_set("policing-area"), as_of="2019-10", is_demo=False,
                           source="Incidents: force-extract.csv")
    (slide,) = build_slides(own, ["drugs-treatment"])
    assert slide.error is None
    text = slide.footer.text()
    assert "not real crime records" not in text and not slide.footer.demo
    assert "Incidents: force-extract.csv" in text
    assert "Synthetic demonstration treatment data — not real NDTMS or OHID figures" in text
