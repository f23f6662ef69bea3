"""Colour palettes for maps and legends (colour-blind safe, ColorBrewer).

Counts and rates use a sequential scheme (``YlOrRd`` by default, ``Blues`` as the
alternative); Getis-Ord Gi* classes use the diverging ``RdBu`` scheme, red for hot
spots and blue for cold spots, with a neutral light grey for "not significant".

ColorBrewer schemes by Cynthia Brewer, Mark Harrower and The Pennsylvania State
University (Apache-2.0-style licence); the hex values are the published ones
(the same as ``branca.utilities.color_brewer``).  No streamlit import here.
"""

from __future__ import annotations

from typing import Final

# name -> number of classes -> colours, light to dark
SEQUENTIAL: Final[dict[str, dict[int, tuple[str, ...]]]] = {
    "YlOrRd": {
        3: ("#ffeda0", "#feb24c", "#f03b20"),
        4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
        5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
        6: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"),
        7: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"),
        8: ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c",
            "#b10026"),
        9: ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c",
            "#bd0026", "#800026"),
    },
    "Blues": {
        3: ("#deebf7", "#9ecae1", "#3182bd"),
        4: ("#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"),
        5: ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"),
        6: ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"),
        7: ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"),
        8: ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5",
            "#084594"),
        9: ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5",
            "#08519c", "#08306b"),
    },
}

# name -> number of classes -> colours, red (high) to blue (low)
DIVERGING: Final[dict[str, dict[int, tuple[str, ...]]]] = {
    "RdBu": {
        3: ("#ef8a62", "#f7f7f7", "#67a9cf"),
        5: ("#ca0020", "#f4a582", "#f7f7f7", "#92c5de", "#0571b0"),
        7: ("#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac"),
        9: ("#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0", "#92c5de",
            "#4393c3", "#2166ac"),
    },
}

#: Fill for areas with no value (distinct from every sequential class).
NO_DATA: Final = "#bdbdbd"
#: Outline colour for polygons.
OUTLINE: Final = "#505a5f"

#: Getis-Ord Gi* confidence classes: (class, label, colour). +3/+2/+1 = hot spot at
#: 99/95/90 % confidence, 0 = not significant, -1/-2/-3 = cold spot.  Listed hot first
#: (legend order).
GI_STAR_CLASSES: Final[tuple[tuple[int, str, str], ...]] = (
    (3, "Hot spot, 99% confidence", "#b2182b"),
    (2, "Hot spot, 95% confidence", "#ef8a62"),
    (1, "Hot spot, 90% confidence", "#fddbc7"),
    (0, "Not significant", "#f7f7f7"),
    (-1, "Cold spot, 90% confidence", "#d1e5f0"),
    (-2, "Cold spot, 95% confidence", "#67a9cf"),
    (-3, "Cold spot, 99% confidence", "#2166ac"),
)
#: Gi* class -> colour, for ``harm.ui.maps.choropleth_layer(..., colors=GI_STAR_COLORS)``.
GI_STAR_COLORS: Final[dict[int, str]] = {c: colour for c, _, colour in GI_STAR_CLASSES}

#: Leaflet.heat gradient along YlOrRd (stop -> colour), instead of its rainbow default.
HEAT_GRADIENT: Final[dict[float, str]] = {
    0.2: "#ffffb2",
    0.4: "#fecc5c",
    0.6: "#fd8d3c",
    0.8: "#f03b20",
    1.0: "#bd0026",
}


def sequential(k: int = 5, name: str = "YlOrRd") -> list[str]:
    """``k`` colours (3..9), light to dark, of a sequential ColorBrewer scheme."""
    try:
        return list(SEQUENTIAL[name][k])
    except KeyError:
        raise ValueError(
            f"no sequential palette {name!r} with {k} classes "
            f"(have {sorted(SEQUENTIAL)} with 3..9)"
        ) from None


def diverging(k: int = 7, name: str = "RdBu") -> list[str]:
    """``k`` colours (3, 5, 7 or 9), high (red) to low (blue), of a diverging scheme."""
    try:
        return list(DIVERGING[name][k])
    except KeyError:
        raise ValueError(
            f"no diverging palette {name!r} with {k} classes (have 3, 5, 7, 9)"
        ) from None


def gi_star_legend() -> tuple[list[str], list[str]]:
    """(labels, colours) for ``harm.ui.maps.legend_html``, hot spots first."""
    return [label for _, label, _ in GI_STAR_CLASSES], [c for _, _, c in GI_STAR_CLASSES]
