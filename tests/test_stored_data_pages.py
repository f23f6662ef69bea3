"""AppTest, first render: the Treatment, Drugs and Commissioning pages offer the treatment and
drug-testing data sets kept on the Data page and show their numbers, labelled with their source."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from harm.io.importer import FileInput, import_table
from user_tables import TESTING_ROWS, TREATMENT_ROWS, drug_testing_file, treatment_file

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def stored_sets(store_with_demo):
    folder = store_with_demo
    import_table([FileInput("mine.csv", treatment_file())], "treatment", "My <b>treatment</b>")
    import_table([FileInput("custody.csv", drug_testing_file())], "testing", "Custody tests")
    return folder


def page(path: str, state: dict | None = None, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def test_treatment_page_offers_and_shows_a_stored_set(stored_sets):
    at = page("pages/treatment.py", {"treatment_source": "stored"})
    assert at.radio(key="treatment_source").options == [
        "Demo data (synthetic)", "A treatment data set imported on the Data page",
        "Files from OHID Fingertips / NDTMS ViewIt"]
    assert at.selectbox(key="treatment_stored_name").value == "My <b>treatment</b>"
    assert [s.value for s in at.success] == [
        "**Data:** Data set My &lt;b&gt;treatment&lt;/b&gt;\\: Treatment CSV \\(mine\\.csv\\)"]
    assert not any("Synthetic demonstration data" in i.value for i in at.info)
    metrics = {m.label: m.value for m in at.metric}
    total = sum(row[3] for row in TREATMENT_ROWS)
    assert metrics["In treatment, 2019/20"] == f"{total:,}"
    assert metrics["Opiate clients"] == f"{sum(r[1] for r in TREATMENT_ROWS):,}"


def test_drugs_page_shows_stored_testing_by_force(stored_sets):
    at = page("pages/drugs.py", {"drugs_testing_source": "stored"},
              {"level": "force", "from": "2017-04", "to": "2017-09"})
    assert at.radio(key="drugs_testing_source").options[1] == "A drug-testing data set imported on the Data page"
    captions = " ".join(c.value for c in at.caption).replace("\\", "")  # markdown escapes
    assert "Drug testing: Data set Custody tests" in captions and "By police force area." in captions
    table = at.dataframe[-1].value.set_index("Area")
    assert table.loc["West Mercia", "Tests"] == "120" and table.loc["Warwickshire", "Tests"] == "20"
    assert table.loc["All areas", "Tests"] == "140"
    assert table.loc["West Mercia", "Positive (Class A)"] == str(sum(sum(r[3:6]) for r in TESTING_ROWS[:3]))
    charts = at.get("vega_lite_chart")
    assert len(charts) == 8  # funnel, positivity per month and by area on the user's data too


def test_drugs_page_says_when_the_period_misses_the_testing_data(stored_sets):
    at = page("pages/drugs.py", {"drugs_testing_source": "stored"}, {"level": "csp", "from": "2019-04",
                                                                     "to": "2020-03"})
    info = " ".join(i.value for i in at.info)
    assert "No drug tests in this period" in info and "cover 2017\\-04 to 2017\\-05" in info


def test_commissioning_offers_the_stored_treatment_set(stored_sets):
    at = page("pages/commissioning.py", {"spend_treatment_source": "stored"})
    assert at.radio(key="spend_treatment_source").options[1] == "A treatment data set imported on the Data page"
    table = next(d.value for d in at.dataframe if "cost_per_completion" in d.value.columns).set_index("area")
    assert table.loc["Herefordshire", "in_treatment"] == "600" and table.loc["Herefordshire", "completions"] == "120"
