import numpy as np
import pandas as pd
import pytest

from harm import incidents as inc
from harm import measures
from harm.errors import HarmInputError

GROUPS = [
    "Violence with injury", "Violence without injury", "Violence and sexual offences",
    "Possession of drugs", "Trafficking of drugs", "Drugs", "Public order",
]


@pytest.fixture
def frame():
    n = len(GROUPS)
    raw = pd.DataFrame({
        "crime_id": [f"c{i}" for i in range(n)],
        "occurred_from": pd.date_range("2014-04-01", periods=n, freq="D"),
        "occurred_to": pd.NaT,
        "date_precision": "day",
        "offence_group": GROUPS,
        "offence": "x",
        "alcohol": [True, False, False, False, False, False, True],
        "drugs": [False, False, False, True, True, False, False],
        "domestic_abuse": [False, True, False, False, False, False, False],
        "x": np.nan,
        "y": np.nan,
    })
    return inc.conform(raw)


@pytest.mark.parametrize("name, expected_rows", [
    ("all", [0, 1, 2, 3, 4, 5, 6]),
    ("violence", [0, 1, 2]),
    ("violence-with-injury", [0]),
    ("violence-without-injury", [1]),
    ("alcohol", [0, 6]),
    ("drugs-marker", [3, 4]),
    ("domestic-abuse", [1]),
    ("drug-offences", [3, 4, 5]),
    ("possession", [3]),
    ("trafficking", [4]),
])
def test_select(frame, name, expected_rows):
    mask = measures.select(frame, name)
    assert mask.dtype == bool and mask.shape == (len(frame),)
    assert list(np.flatnonzero(mask)) == expected_rows


def test_every_measure_has_a_label_and_the_menu_order():
    assert measures.measure_names() == [
        "all", "violence", "violence-with-injury", "violence-without-injury", "alcohol",
        "drugs-marker", "domestic-abuse", "drug-offences", "possession", "trafficking",
    ]
    assert measures.measure_label("violence") == "All violence"
    assert measures.measure_label("violence-with-injury") == "Violence with injury"
    assert all(measures.measure_label(n) for n in measures.measure_names())


def test_unknown_measure_lists_the_valid_names(frame):
    with pytest.raises(HarmInputError) as err:
        measures.select(frame, "burglary")
    message = str(err.value)
    assert "unknown measure 'burglary'" in message
    for name in measures.measure_names():
        assert name in message


def test_missing_column_says_what_to_do(frame):
    with pytest.raises(HarmInputError, match="no 'alcohol' column"):
        measures.select(frame.drop(columns="alcohol"), "alcohol")


def test_select_works_on_plain_string_groups_and_an_empty_frame(frame):
    plain = frame.assign(offence_group=frame["offence_group"].astype(str))
    assert list(np.flatnonzero(measures.select(plain, "violence"))) == [0, 1, 2]
    assert measures.select(inc.empty(), "violence").shape == (0,)
