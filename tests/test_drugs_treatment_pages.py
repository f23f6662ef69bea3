"""AppTest: the Drugs and Treatment pages on first render (numbers are tested in the engine's tests;
interactions in tests/browser/test_drugs_treatment_browser.py)."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def run_page(page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    return at.switch_page(page).run()


def download_keys(at: AppTest) -> list[str]:
    return [d.proto.id for d in at.get("download_button")]


def test_drugs_page_first_render():
    at = run_page("pages/drugs.py", {"level": "csp", "from": "2010-04", "to": "2020-03"})
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 8
    assert any("Synthetic demonstration data" in i.value for i in at.info)
    warning = " ".join(w.value for w in at.warning)
    assert "Step change in drugs-marker use from October 2017" in warning
    assert "not a fall in drug-related crime" in warning
    labels = [m.label for m in at.metric]
    assert "Drug offences" in labels and any(label.startswith("Trafficking (") for label in labels)
    buttons = [b.label for b in at.get("download_button")]
    assert buttons.count("⬇ PNG") == 8 and buttons.count("⬇ SVG") == 8


def test_treatment_page_first_render():
    at = run_page("pages/treatment.py")
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 7
    assert any("Synthetic demonstration data" in i.value for i in at.info)
    assert at.selectbox(key="treatment_year").value == "2019/20"
    text = " ".join(m.value for m in at.markdown)
    assert "**West Mercia** (4 areas), 2019/20:" in text
    assert any("2003/04 prices" in c.value for c in at.caption)
