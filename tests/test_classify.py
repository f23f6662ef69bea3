"""Class breaks for choropleth legends."""

import numpy as np

from harm.classify import break_labels, class_of, quantile_breaks


def test_breaks_span_the_values_and_increase():
    values = np.random.default_rng(1).poisson(50, 200)
    breaks = quantile_breaks(values)
    assert breaks[0] == values.min() and breaks[-1] == values.max()
    assert len(breaks) == 6 and all(a < b for a, b in zip(breaks, breaks[1:]))


def test_a_mass_of_zeros_gets_its_own_class_and_the_rest_are_split():
    # 41 of 43 force areas without records (an imported boundary set): not one colour for all
    values = [0] * 41 + [100, 6520]
    breaks = quantile_breaks(values)
    classes = class_of(values, breaks)
    assert set(classes[:41]) == {0}
    assert classes[41] != classes[42] and classes[41] > 0
    assert len(breaks) - 1 <= 5


def test_single_value_and_empty_input():
    assert quantile_breaks([7, 7, 7]) == [7.0, 8.0]
    assert quantile_breaks([]) == [0.0, 1.0]
    assert class_of([np.nan, 3], [0.0, 5.0, 10.0]).tolist() == [-1, 0]
    assert break_labels([0.0, 1000.0, 2500.0]) == ["0 – 1,000", "1,000 – 2,500"]
