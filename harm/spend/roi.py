"""Return on investment (METHODS.md §7): benefit = spend × a ratio the user picks from cited evidence.

Each :class:`Evidence` carries its source and the assumption behind it, and every result
keeps them beside the number ("never one unexplained number"). The "what if" applies the
same ratio to a change in spend; it is **illustrative**: the studies measured the average
return of treatment as a whole, not what one more (or one less) pound would buy.
"""

from __future__ import annotations

from dataclasses import dataclass

from harm.errors import HarmInputError

STRATEGY = "as quoted in the West Mercia PCC drugs strategy, 'Tackling Drug Abuse in West Mercia' (2019)"
ILLUSTRATIVE = ("Illustrative only: it assumes each extra or lost pound returns the average the studies "
                "found, which they did not measure.")


@dataclass(frozen=True)
class Evidence:
    key: str
    label: str
    ratio: float  # pounds of benefit per pound spent
    horizon: str
    source: str
    assumption: str


EVIDENCE = {e.key: e for e in (
    Evidence("dtors", "£2.50 per £1 — Drug Treatment Outcomes Research Study", 2.50, "per year of treatment",
             f"Drug Treatment Outcomes Research Study (DTORS), {STRATEGY}",
             "£2.50 of benefit to society (mainly crime avoided) for every £1 spent on structured drug "
             "treatment; treatment was cost-beneficial in 80% of cases, so not in 1 case in 5."),
    Evidence("phe-4", "£4 per £1 — PHE commissioning tool", 4.0, "per year of treatment",
             f"Public Health England drug treatment commissioning tool, {STRATEGY}",
             "A net benefit of £4 to society for every £1 invested in drug treatment, in the year of "
             "treatment."),
    Evidence("phe-21", "£21 per £1 over 10 years — PHE commissioning tool", 21.0, "over 10 years",
             f"Public Health England drug treatment commissioning tool, {STRATEGY}",
             "The benefit to society builds up to £21 for every £1 over ten years: a ten-year total, not "
             "a yearly figure, and not to be added to the £4."),
)}


def get_evidence(key: str) -> Evidence:
    try:
        return EVIDENCE[key]
    except KeyError:
        raise HarmInputError(f"unknown evidence {key!r}", fix=f"Choose one of: {', '.join(EVIDENCE)}.") from None


def _money(value: float) -> str:
    sign = "−" if value < 0 else ""
    return f"{sign}£{abs(value):,.0f}"


def return_on_investment(spend: float, evidence: str) -> dict:
    """``benefit = spend × ratio``, with the arithmetic, source and assumption beside it."""
    if spend is None or spend != spend or spend < 0:
        raise HarmInputError(f"spend {spend!r} is not an amount of pounds", fix="Give a spend of zero or more.")
    chosen = get_evidence(evidence)
    benefit = spend * chosen.ratio
    return {
        "spend": float(spend), "ratio": chosen.ratio, "benefit": benefit, "horizon": chosen.horizon,
        "arithmetic": f"{_money(spend)} × {chosen.ratio:.2f} = {_money(benefit)} benefit to society "
                      f"({chosen.horizon})",
        "evidence": chosen.label, "source": chosen.source, "assumption": chosen.assumption,
    }


def what_if(spend: float, change: float, unit: str, evidence: str) -> dict:
    """An illustrative change of spend, by pounds (``unit="£"``) or percent (``unit="%"``).

    Returns the new spend, the change in spend and in benefit, and each step of the arithmetic
    as text lines, labelled illustrative.
    """
    if unit not in ("£", "%"):
        raise HarmInputError(f"unknown unit {unit!r} for the change", fix="Use £ or %.")
    base = return_on_investment(spend, evidence)
    delta = spend * change / 100 if unit == "%" else float(change)
    new_spend = spend + delta
    if new_spend < 0:
        raise HarmInputError(f"a change of {change:g}{unit} would make spend negative",
                             fix="Cut by no more than the spend itself.")
    ratio = base["ratio"]
    lines = []
    if unit == "%":
        lines.append(f"Change in spend: {change:+g}% of {_money(spend)} = {_money(delta)}")
    else:
        lines.append(f"Change in spend: {_money(delta)}")
    lines += [f"New spend: {_money(spend)} + {_money(delta)} = {_money(new_spend)}",
              f"Change in benefit: {_money(delta)} × {ratio:.2f} = {_money(delta * ratio)} ({base['horizon']})",
              f"New benefit: {_money(new_spend)} × {ratio:.2f} = {_money(new_spend * ratio)}"]
    return {"spend": float(spend), "change_in_spend": delta, "new_spend": new_spend,
            "change_in_benefit": delta * ratio, "new_benefit": new_spend * ratio, "ratio": ratio,
            "arithmetic": lines, "label": "Illustrative", "caveat": ILLUSTRATIVE,
            "source": base["source"], "assumption": base["assumption"]}


TREATMENT_CATEGORIES = ("drug and alcohol treatment",)


def roi_basis(spend, year: str, area: str | None = None, level: str = "la",
              categories=TREATMENT_CATEGORIES) -> dict:
    """The spend the evidence applies to: confirmed spend of ``year`` in ``categories`` (default:
    structured treatment, which is what the studies measured), for one ``area`` of ``level`` or
    all areas. Returns ``spend``, ``lines`` (how many spend lines) and ``description``.
    """
    from harm.spend.outcomes import attribute_spend, select_categories

    if year not in set(spend["year"]):
        raise HarmInputError(f"no spend recorded for {year}", fix="Choose a year of the spend table.")
    chosen = select_categories(spend[spend["year"] == year], categories)
    attributed = attribute_spend(chosen, level)
    if area is not None:
        attributed = attributed[attributed["area"] == area]
    where = area or "all areas"
    return {"spend": float(attributed["amount"].sum()), "lines": int(len(attributed)),
            "description": f"{', '.join(categories)} spend, {where}, {year}"}
