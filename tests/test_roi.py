"""Return on investment: benefit = spend × the chosen ratio, never without its source and assumption."""

import pytest

from harm.errors import HarmInputError
from harm.spend.roi import EVIDENCE, ILLUSTRATIVE, return_on_investment, what_if


@pytest.mark.parametrize("key,ratio", [("dtors", 2.5), ("phe-4", 4.0), ("phe-21", 21.0)])
def test_benefit_is_spend_times_ratio_with_source_and_assumption(key, ratio):
    result = return_on_investment(1_000_000, key)
    assert result["ratio"] == ratio
    assert result["benefit"] == 1_000_000 * ratio
    assert result["source"] and result["assumption"]
    assert result["arithmetic"].startswith(f"£1,000,000 × {ratio:.2f} = £{1_000_000 * ratio:,.0f}")


def test_evidence_is_the_cited_figures():
    assert "80% of cases" in EVIDENCE["dtors"].assumption
    assert EVIDENCE["phe-21"].horizon == "over 10 years"
    assert "not to be added" in EVIDENCE["phe-21"].assumption
    assert all("West Mercia PCC drugs strategy" in e.source for e in EVIDENCE.values())


def test_what_if_percent_shows_its_arithmetic():
    result = what_if(1_592_100, 10, "%", "dtors")
    assert result["change_in_spend"] == pytest.approx(159_210)
    assert result["new_spend"] == pytest.approx(1_751_310)
    assert result["change_in_benefit"] == pytest.approx(159_210 * 2.5)
    assert result["label"] == "Illustrative" and result["caveat"] == ILLUSTRATIVE
    assert result["arithmetic"][0] == "Change in spend: +10% of £1,592,100 = £159,210"
    assert result["arithmetic"][2] == "Change in benefit: £159,210 × 2.50 = £398,025 (per year of treatment)"


def test_what_if_pounds_and_cuts():
    result = what_if(100_000, -25_000, "£", "phe-4")
    assert result["new_spend"] == 75_000
    assert result["change_in_benefit"] == -100_000
    assert "−£25,000 × 4.00 = −£100,000" in result["arithmetic"][2]


def test_bad_inputs_say_what_to_do():
    with pytest.raises(HarmInputError, match="unknown evidence"):
        return_on_investment(10, "magic")
    with pytest.raises(HarmInputError, match="negative"):
        what_if(100, -150, "%", "dtors")
    with pytest.raises(HarmInputError, match="unit"):
        what_if(100, 5, "$", "dtors")
    with pytest.raises(HarmInputError, match="not an amount"):
        return_on_investment(-1, "dtors")
