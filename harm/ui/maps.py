"""Folium maps that work with no internet: every script and stylesheet is served locally.

folium, branca and streamlit-folium load Leaflet, jQuery, Bootstrap, Font Awesome,
awesome-markers, Leaflet.heat and d3 from public CDNs.  On a network that blocks
CDNs the first script fails, nothing after it loads, and the map is a blank iframe
with no error.  This module routes every one of those URLs through one table,
:data:`CDN_TO_VENDOR`, to copies in ``static/vendor/`` (rebuilt from npm by
``static/vendor/fetch_assets.py``), which Streamlit serves at
``/app/static/vendor/...`` when ``server.enableStaticServing = true``.

Use::

    m = offline_map(location=[52.2, -2.2], zoom_start=9)       # no base tiles
    layer = choropleth_layer(areas, "count", colors=palettes.sequential(5),
                             bins=[0, 10, 20, 50, 100, 500],
                             tooltip_fields=["name", "count"],
                             tooltip_aliases=["Area", "Incidents"], name="Incidents")
    layer.add_to(m)
    legend_html("Incidents", bin_labels([0, 10, 20, 50, 100, 500]),
                palettes.sequential(5)).add_to(m)
    m.fit_bounds(layer.get_bounds())
    st_folium(m, returned_objects=[], height=600, use_container_width=True)

    html = standalone_html(m)       # one self-contained file for exports
    assert external_urls(html) == []

How the rewrite works: :class:`OfflineMap` overrides ``render()`` and, before
anything renders, walks its whole element tree and replaces the ``default_js`` /
``default_css`` of the map and of every plugin (HeatMap, ...) with local URLs;
after rendering it rewrites any script/stylesheet link an element put straight
into the page header.  streamlit-folium reads exactly those ``default_js`` /
``default_css`` lists after calling ``render()``, so the iframe loads local files.

Rules that keep the map offline (``strict=True``, the default, enforces them by
raising :class:`OfflineMapError` at render time):

* No branca colour maps (``folium.Choropleth``, ``branca.colormap.*``): streamlit-
  folium hard-codes CDN d3 for them, which no table can redirect.  Use
  :func:`choropleth_layer` and :func:`legend_html` instead.
* No plugin whose JS/CSS is not vendored: add its files to ``fetch_assets.py`` and
  its URLs to :data:`CDN_TO_VENDOR` first.

Base-map tiles are the only thing allowed from the internet (``osm_tiles=True``);
the map is usable without them.  Keep SVG rendering (do not pass
``prefer_canvas=True``): the browser tests look for ``path.leaflet-interactive``.

Every piece of data text that reaches the page (tooltip values and labels, legend
title and labels, layer names, attribution) is HTML-escaped here, because Leaflet
and folium insert those strings with ``innerHTML``.
"""

from __future__ import annotations

import base64
import bisect
import html as _html
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import branca.colormap
import folium
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.template import Template

from harm.ui import palettes

__all__ = [
    "CDN_TO_VENDOR",
    "VENDOR_DIR",
    "OfflineMap",
    "OfflineMapError",
    "bin_labels",
    "choropleth_layer",
    "external_urls",
    "legend_html",
    "localize",
    "offline_map",
    "standalone_html",
    "vendor_base_url",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
#: The vendored files (``static/vendor`` next to ``app.py``).
VENDOR_DIR = REPO_ROOT / "static" / "vendor"

#: Every CDN URL folium 0.20 / branca 0.8 / streamlit-folium 0.27 use for the features
#: this app uses -> path of the local copy below ``static/vendor/``.
CDN_TO_VENDOR: dict[str, str] = {
    # folium.Map.default_js / default_css
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/jquery-3.7.1.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js":
        "bootstrap/bootstrap.bundle.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css":
        "bootstrap/bootstrap.min.css",
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css":
        "bootstrap3-glyphicons/bootstrap-glyphicons.css",
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css":
        "fontawesome/css/all.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js":
        "awesome-markers/leaflet.awesome-markers.js",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css":
        "awesome-markers/leaflet.awesome-markers.css",
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css":
        "awesome-markers/leaflet.awesome.rotate.min.css",
    # folium.plugins.HeatMap (and the older URL some folium versions use)
    "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js":
        "leaflet-heat/leaflet_heat.min.js",
    "https://leaflet.github.io/Leaflet.heat/dist/leaflet-heat.js": "leaflet-heat/leaflet_heat.min.js",
    # jQuery as some folium plugins spell it
    "https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js": "jquery/jquery-3.7.1.min.js",
    # d3: branca colour maps (in their render()), folium features, streamlit-folium
    "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js": "d3-3/d3.min.js",
    "https://d3js.org/d3.v4.min.js": "d3-4/d3.min.js",
}

_VENDOR_PATH_RE = re.compile(r"/static/vendor/([^?#]+)")
_DATA_MIME = {
    ".png": "image/png",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
}


class OfflineMapError(RuntimeError):
    """The map would need the internet for something other than base tiles."""


# --------------------------------------------------------------------------------------
# URL rewriting
# --------------------------------------------------------------------------------------


def vendor_base_url() -> str:
    """URL path where Streamlit serves ``static/vendor`` (honours ``server.baseUrlPath``)."""
    prefix = ""
    try:
        from streamlit import config

        base = (config.get_option("server.baseUrlPath") or "").strip("/")
        if base:
            prefix = "/" + base
    except Exception:  # noqa: BLE001 - outside Streamlit the default is right
        pass
    return f"{prefix}/app/static/vendor"


def _is_external(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def _local(url: str, base: str) -> str | None:
    """Local URL for a CDN URL, the URL itself if already local, None if unknown+external."""
    path = CDN_TO_VENDOR.get(url)
    if path is not None:
        return f"{base.rstrip('/')}/{path}"
    return None if _is_external(url) else url


def _walk(element: Element) -> Iterable[Element]:
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def localize(
    element: Element, *, vendor_url: str | None = None, strict: bool = True
) -> list[str]:
    """Point ``default_js``/``default_css`` of ``element`` and all its descendants at
    the vendored copies.

    :class:`OfflineMap` calls this itself on every render.  Call it yourself only for
    elements rendered outside the map, e.g. a FeatureGroup passed to st_folium's
    ``feature_group_to_add``.  Returns the problems found (external URLs with no local
    copy, branca colour maps); with ``strict=True`` raises :class:`OfflineMapError`
    instead.
    """
    base = vendor_url or vendor_base_url()
    problems: list[str] = []
    for el in _walk(element):
        if isinstance(el, branca.colormap.ColorMap):
            problems.append(
                f"{type(el).__name__}: branca colour maps make streamlit-folium load d3 "
                "from a CDN; use harm.ui.maps.choropleth_layer and legend_html instead"
            )
        for attr in ("default_js", "default_css"):
            links = getattr(el, attr, None)
            if not links:
                continue
            new = []
            for name, url in links:
                local = _local(url, base)
                if local is None:
                    problems.append(
                        f"{type(el).__name__} needs {url}, which is not vendored: add it to "
                        "static/vendor/fetch_assets.py and harm.ui.maps.CDN_TO_VENDOR"
                    )
                    local = url
                new.append((name, local))
            # an instance attribute: never touch the class-level list folium shares
            setattr(el, attr, new)
    if problems and strict:
        raise OfflineMapError("map is not offline-safe:\n- " + "\n- ".join(dict.fromkeys(problems)))
    return problems


def _localize_header(figure: Figure, base: str, strict: bool) -> None:
    """Rewrite <script src>/<link href> elements put straight into the page header."""
    problems = []
    for child in figure.header._children.values():
        if isinstance(child, (JavascriptLink, CssLink)):
            local = _local(child.url, base)
            if local is None:
                problems.append(f"page header links {child.url}, which is not vendored")
            else:
                child.url = local
    if problems and strict:
        raise OfflineMapError("map is not offline-safe:\n- " + "\n- ".join(problems))


# --------------------------------------------------------------------------------------
# The map
# --------------------------------------------------------------------------------------


#: folium.Map's own scripts and stylesheets that only popups, icon markers and
#: ``keep_in_front`` use (jQuery, Bootstrap, awesome-markers, Font Awesome, Glyphicons).
_LEAFLET_ONLY = {"leaflet", "leaflet_css"}


def _uses_jquery_or_icons(m: folium.Map) -> bool:
    if getattr(m, "objects_to_stay_in_front", None):
        return True
    for el in _walk(m):
        if isinstance(el, (folium.Popup, folium.Icon)):
            return True
        if isinstance(el, folium.GeoJson) and not getattr(el, "embed", True):
            return True
    return False


def _drop_unused_defaults(m: folium.Map) -> None:
    """Load only Leaflet in a map that has no popup, icon marker or ``keep_in_front``.

    The map's iframe loads its scripts one after another; the five it does not need
    cost ~0.4 s on every first draw, while the Streamlit server (one process) is still
    busy with the rest of the page.
    """
    if _uses_jquery_or_icons(m):
        return
    m.default_js = [(name, url) for name, url in m.default_js if name in _LEAFLET_ONLY]
    m.default_css = [(name, url) for name, url in m.default_css if name in _LEAFLET_ONLY]


class OfflineMap(folium.Map):
    """A ``folium.Map`` whose scripts and stylesheets all come from ``static/vendor``.

    Build it with :func:`offline_map`.  ``vendor_url`` is the URL path the vendored
    folder is served at (default :func:`vendor_base_url`); ``strict`` makes rendering
    fail loudly rather than produce a map that needs a CDN.
    """

    def __init__(self, *args: Any, vendor_url: str | None = None, strict: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vendor_url = vendor_url
        self.strict = strict

    def render(self, **kwargs: Any) -> None:
        base = self.vendor_url or vendor_base_url()
        _drop_unused_defaults(self)
        localize(self, vendor_url=base, strict=self.strict)
        super().render(**kwargs)
        root = self.get_root()
        if isinstance(root, Figure):
            _localize_header(root, base, self.strict)


class _HeaderStyle(MacroElement):
    """Adds a fixed <style> block to the page header."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>{{ this.css }}</style>
        {% endmacro %}
    """)

    def __init__(self, css: str, name: str) -> None:
        super().__init__()
        self._name = name
        self.css = css


_LEAFLET_PREFIX = '<a href="https://leafletjs.com" title="A JavaScript library for interactive maps">Leaflet</a>'


class _Attribution(MacroElement):
    """Sets the attribution prefix (plain "Leaflet", no flag) and adds ``text``."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        if ({{ this._parent.get_name() }}.attributionControl) {
            {{ this._parent.get_name() }}.attributionControl.setPrefix({{ this.prefix|tojson }});
            {% if this.text %}
            {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
            {% endif %}
        }
        {% endmacro %}
    """)

    def __init__(self, text_html: str | None) -> None:
        super().__init__()
        self._name = "Attribution"
        self.prefix = _LEAFLET_PREFIX
        self.text = text_html


def offline_map(
    *,
    osm_tiles: bool = False,
    attribution: str | None = None,
    background: str = "#f8f8f8",
    vendor_url: str | None = None,
    strict: bool = True,
    **folium_kwargs: Any,
) -> OfflineMap:
    """A folium map that needs no CDN.  ``folium_kwargs`` go to ``folium.Map``.

    - Tiles are off unless ``osm_tiles=True`` (OpenStreetMap tiles, the only thing
      fetched from the internet; the map still works if they fail) or you pass
      ``tiles=`` yourself.
    - ``attribution``: plain text (escaped) added to the attribution box, e.g.
      ``"Contains OS data © Crown copyright and database right 2024"``.
    - ``background``: CSS colour behind the polygons when there are no tiles.
    - ``control_scale`` defaults to True.
    """
    if osm_tiles and folium_kwargs.get("tiles") is not None:
        raise ValueError("pass either osm_tiles=True or tiles=..., not both")
    folium_kwargs["tiles"] = "OpenStreetMap" if osm_tiles else folium_kwargs.get("tiles")
    folium_kwargs.setdefault("control_scale", True)
    m = OfflineMap(vendor_url=vendor_url, strict=strict, **folium_kwargs)
    if not re.fullmatch(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]+", background):
        raise ValueError(f"background must be a hex colour or a CSS colour name: {background!r}")
    m.add_child(
        _HeaderStyle(f".leaflet-container {{ background: {background}; }}", "harm_map_style")
    )
    m.add_child(_Attribution(_html.escape(attribution) if attribution else None))
    return m


# --------------------------------------------------------------------------------------
# Choropleth without branca
# --------------------------------------------------------------------------------------

_COLOUR_RE = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]+|rgba?\([0-9.,%\s]+\)")


def _check_colour(colour: str) -> str:
    if not isinstance(colour, str) or not _COLOUR_RE.fullmatch(colour):
        raise ValueError(f"not a CSS colour: {colour!r}")
    return colour


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        import numpy as np
        import pandas as pd

        result = pd.isna(value)
    except (TypeError, ValueError, ImportError):
        return False
    return isinstance(result, (bool, np.bool_)) and bool(result)


def _format_value(value: Any, fmt: str | Callable[[Any], str] | None) -> str:
    if _is_missing(value):
        return "no data"
    if callable(fmt):
        return str(fmt(value))
    if fmt is not None:
        return fmt.format(value)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()  # numpy scalar -> Python
        except (ValueError, AttributeError):
            pass
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:,.2f}"
    return str(value)


def _class_colour(
    value: Any,
    colors: Sequence[str] | Mapping[Any, str],
    bins: Sequence[float] | None,
    missing_color: str,
) -> str:
    if _is_missing(value):
        return missing_color
    if bins is None:
        assert isinstance(colors, Mapping)
        if value in colors:
            return colors[value]
        if isinstance(value, float) and value.is_integer() and int(value) in colors:
            return colors[int(value)]
        return missing_color
    v = float(value)
    i = bisect.bisect_right(bins, v) - 1
    i = min(max(i, 0), len(colors) - 1)  # clamp: below bins[0] -> first, >= bins[-1] -> last
    return colors[i]  # type: ignore[index]


def choropleth_layer(
    gdf: Any,
    value_column: str,
    *,
    colors: Sequence[str] | Mapping[Any, str],
    bins: Sequence[float] | None = None,
    tooltip_fields: Sequence[str] = (),
    tooltip_aliases: Sequence[str] | None = None,
    tooltip_formats: Mapping[str, str | Callable[[Any], str]] | None = None,
    name: str | None = None,
    keep_fields: Sequence[str] = (),
    missing_color: str = palettes.NO_DATA,
    line_color: str = palettes.OUTLINE,
    weight: float = 0.8,
    fill_opacity: float = 0.8,
    highlight: bool = True,
    show: bool = True,
    coord_decimals: int | None = 5,
) -> folium.GeoJson:
    """A ``folium.GeoJson`` choropleth of ``gdf[value_column]`` -- no branca, no d3.

    - ``bins`` (ascending edges) + ``colors`` (``len(bins) - 1`` colours): value ``v``
      gets the class ``i`` with ``bins[i] <= v < bins[i+1]``; the last class includes
      ``bins[-1]``; values outside the range take the nearest end class.
    - ``bins=None`` + ``colors`` a mapping value -> colour: categorical (e.g. Gi*
      classes with :data:`harm.ui.palettes.GI_STAR_COLORS`).
    - Missing values (and unmapped categories) get ``missing_color``.
    - Tooltips show ``tooltip_fields`` labelled with ``tooltip_aliases``; values are
      formatted (thousands separators; ``tooltip_formats`` maps a field to a format
      string like ``"{:.1f}"`` or a callable) and HTML-escaped, as are the aliases and
      ``name`` (Leaflet's layer control shows names as HTML).
    - Only the tooltip texts, the fill colour and ``keep_fields`` (raw, e.g. an area
      code for click handling) are sent to the browser.  Coordinates are rounded to
      ``coord_decimals`` (5 = about 1 m) to keep the page small.
    - ``gdf`` may be in any CRS; it is reprojected to WGS84.
    """
    import numpy as np
    import shapely

    if bins is None:
        if not isinstance(colors, Mapping):
            raise ValueError("without bins, colors must map each value to a colour")
        for c in colors.values():
            _check_colour(c)
    else:
        bins = [float(b) for b in bins]
        if isinstance(colors, Mapping) or len(colors) != len(bins) - 1:
            raise ValueError("need len(colors) == len(bins) - 1 colours for binned values")
        if any(b2 <= b1 for b1, b2 in zip(bins, bins[1:])):
            raise ValueError(f"bins must be strictly increasing: {bins}")
        for c in colors:
            _check_colour(c)
    _check_colour(missing_color)
    _check_colour(line_color)
    tooltip_fields = list(tooltip_fields)
    aliases = list(tooltip_aliases) if tooltip_aliases is not None else list(tooltip_fields)
    if len(aliases) != len(tooltip_fields):
        raise ValueError("tooltip_aliases must match tooltip_fields one to one")
    formats = dict(tooltip_formats or {})
    for col in [value_column, *tooltip_fields, *keep_fields]:
        if col not in gdf.columns:
            raise KeyError(f"column {col!r} not in the GeoDataFrame")

    g = gdf
    if g.crs is not None and g.crs.to_epsg() != 4326:
        g = g.to_crs(4326)
    geoms = g.geometry.values
    if coord_decimals is not None:
        geoms = shapely.transform(np.asarray(geoms), lambda xy: np.round(xy, coord_decimals))

    features = []
    columns = {c: g[c].tolist() for c in dict.fromkeys([value_column, *tooltip_fields, *keep_fields])}
    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            continue
        props: dict[str, Any] = {
            "_fill": _class_colour(columns[value_column][i], colors, bins, missing_color)
        }
        for j, field in enumerate(tooltip_fields):
            props[f"_tt{j}"] = _html.escape(_format_value(columns[field][i], formats.get(field)))
        for field in keep_fields:
            props[field] = columns[field][i]
        features.append(
            {"type": "Feature", "id": str(i), "properties": props,
             "geometry": json.loads(shapely.to_geojson(geom))}
        )
    data = json.loads(json.dumps({"type": "FeatureCollection", "features": features},
                                 default=_json_default))

    def style(feature: dict) -> dict:
        return {
            "fillColor": feature["properties"]["_fill"],
            "color": line_color,
            "weight": weight,
            "fillOpacity": fill_opacity,
        }

    def highlight_style(feature: dict) -> dict:
        return {"weight": weight + 2, "color": "#0b0c0c", "fillOpacity": min(1.0, fill_opacity + 0.1)}

    tooltip = None
    if tooltip_fields:
        tooltip = folium.GeoJsonTooltip(
            fields=[f"_tt{j}" for j in range(len(tooltip_fields))],
            aliases=[_html.escape(str(a)) for a in aliases],
            labels=True,
            localize=False,
            sticky=True,
        )
    return folium.GeoJson(
        data,
        name=_html.escape(name) if name else None,
        style_function=style,
        highlight_function=highlight_style if highlight else None,
        tooltip=tooltip,
        show=show,
        zoom_on_click=False,
    )


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def bin_labels(bins: Sequence[float], *, integer: bool = True) -> list[str]:
    """Legend labels for :func:`choropleth_layer` bins.

    ``integer=True`` (counts): ``[0, 5, 10, 20]`` -> ``["0–4", "5–9", "10–20"]``.
    Otherwise: ``["0 to <5", "5 to <10", "10 to 20"]`` with up to 3 significant decimals.
    """
    labels = []
    last = len(bins) - 2
    for i, (lo, hi) in enumerate(zip(bins, bins[1:])):
        if integer:
            lo_i, hi_i = int(math.ceil(lo)), int(math.floor(hi)) - (0 if i == last else 1)
            labels.append(f"{lo_i:,}" if hi_i <= lo_i else f"{lo_i:,}–{hi_i:,}")
        else:
            sep = " to " if i == last else " to <"
            labels.append(f"{lo:,.3g}{sep}{hi:,.3g}")
    return labels


# --------------------------------------------------------------------------------------
# Legend
# --------------------------------------------------------------------------------------

_LEGEND_CSS = """
.harm-legend { background: rgba(255,255,255,0.94); padding: 8px 10px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); font: 13px/1.35 "Source Sans Pro", "Source Sans 3",
  Arial, sans-serif; color: #0b0c0c; max-width: 260px; }
.harm-legend-title { font-weight: 600; margin-bottom: 4px; }
.harm-legend ul { list-style: none; margin: 0; padding: 0; }
.harm-legend li { display: flex; align-items: center; margin: 2px 0; }
.harm-legend-swatch { display: inline-block; width: 18px; height: 12px; margin-right: 6px;
  border: 1px solid #505a5f; flex: none; }
.harm-legend-note { margin-top: 4px; color: #505a5f; font-size: 12px; }
"""


class Legend(MacroElement):
    """A Leaflet control showing a colour key; build it with :func:`legend_html`."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create("div", "harm-legend");
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, html: str, position: str = "bottomright") -> None:
        super().__init__()
        self._name = "Legend"
        if position not in {"topleft", "topright", "bottomleft", "bottomright"}:
            raise ValueError(f"bad legend position {position!r}")
        self.position = position
        self.html = html

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        if isinstance(figure, Figure):
            figure.header.add_child(Element(f"<style>{_LEGEND_CSS}</style>"), name="harm_legend_css")
        super().render(**kwargs)


def legend_html(
    title: str,
    labels: Sequence[str],
    colors: Sequence[str],
    *,
    note: str | None = None,
    position: str = "bottomright",
) -> Legend:
    """A colour key drawn inside the map (a Leaflet control; add it with ``.add_to(m)``).

    ``title``, ``labels`` and ``note`` are plain text (escaped).  Works in st_folium
    and in :func:`standalone_html` exports.
    """
    labels = list(labels)
    colors = [_check_colour(c) for c in colors]
    if len(labels) != len(colors):
        raise ValueError("labels and colors must have the same length")
    esc = _html.escape
    items = "".join(
        f'<li><span class="harm-legend-swatch" style="background:{c}"></span>'
        f"<span>{esc(str(label))}</span></li>"
        for label, c in zip(labels, colors)
    )
    body = f'<div class="harm-legend-title">{esc(str(title))}</div><ul>{items}</ul>'
    if note:
        body += f'<div class="harm-legend-note">{esc(str(note))}</div>'
    return Legend(body, position=position)


# --------------------------------------------------------------------------------------
# Standalone export and checks
# --------------------------------------------------------------------------------------


def _vendor_file(url: str) -> Path | None:
    """The vendored file a (CDN or local) URL refers to, or None."""
    rel = CDN_TO_VENDOR.get(url)
    if rel is None:
        if _is_external(url):
            return None
        match = _VENDOR_PATH_RE.search(urlsplit(url).path)
        if not match:
            return None
        rel = match.group(1)
    path = (VENDOR_DIR / rel).resolve()
    if VENDOR_DIR.resolve() not in path.parents:
        return None
    if not path.is_file():
        raise FileNotFoundError(
            f"{url} -> {path} is missing: run `python static/vendor/fetch_assets.py`"
        )
    return path


def _data_uri(path: Path) -> str:
    mime = _DATA_MIME.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


_CSS_URL_RE = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
_SOURCEMAP_RE = re.compile(r"^[ \t]*(//|/\*)# sourceMappingURL=[^\n]*$", re.MULTILINE)


def _inline_css(path: Path) -> str:
    css = _SOURCEMAP_RE.sub("", path.read_text("utf-8"))

    def repl(match: re.Match) -> str:
        ref = match.group(2).strip()
        if ref.startswith(("data:", "#", "http:", "https:", "//")):
            return match.group(0)
        target = (path.parent / ref.split("?")[0].split("#")[0]).resolve()
        if VENDOR_DIR.resolve() not in target.parents or not target.is_file():
            return match.group(0)  # e.g. a .ttf fallback we do not ship: never used
        return f'url("{_data_uri(target)}")'

    return _CSS_URL_RE.sub(repl, css).replace("</style", "<\\/style")


def _inline_js(path: Path) -> str:
    js = _SOURCEMAP_RE.sub("", path.read_text("utf-8"))
    if "<!--" in js:  # would confuse the HTML tokenizer: fall back to a data URI
        return f'<script src="{_data_uri(path)}"></script>'
    return "<script>" + re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE) + "</script>"


_SCRIPT_SRC_RE = re.compile(
    r"<script\b[^>]*\bsrc=[\"']([^\"']+)[\"'][^>]*>\s*</script\s*>", re.IGNORECASE
)
_LINK_RE = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_HREF_RE = re.compile(r"\bhref=[\"']([^\"']+)[\"']", re.IGNORECASE)


#: Assets only icon markers (folium.Icon, Font Awesome / Glyphicon classes) need; a
#: standalone export leaves them out unless the map uses icons (they are ~1.4 MB inlined).
ICON_ASSETS = frozenset({
    "awesome-markers/leaflet.awesome-markers.js",
    "awesome-markers/leaflet.awesome-markers.css",
    "awesome-markers/leaflet.awesome.rotate.min.css",
    "fontawesome/css/all.min.css",
    "bootstrap3-glyphicons/bootstrap-glyphicons.css",
})
_ICON_USE_RE = re.compile(
    r"L\.AwesomeMarkers|class=\\?[\"'](?:[^\"'\\]*\s)?"
    r"(?:fa|fas|far|fab|fa-solid|fa-regular|fa-brands|glyphicon)[\s\"'\\]"
)


def standalone_html(
    m: folium.Map, *, icons: bool | None = None, strict: bool | None = None
) -> str:
    """The map as one HTML document with every script and stylesheet inlined.

    Opens from a file with no network (base tiles, if any, simply do not load).
    Images and fonts the stylesheets use are inlined as data URIs.  ``icons``: include
    the icon-marker assets (awesome-markers, Font Awesome, Glyphicons); ``None`` (the
    default) includes them only if the page uses them -- a plain choropleth + heat map
    export is ~0.6 MB instead of ~2 MB.  ``strict`` defaults to the map's own setting
    (True for :func:`offline_map`); with ``strict=True`` anything left linking the
    internet raises :class:`OfflineMapError`.
    """
    strict = getattr(m, "strict", True) if strict is None else strict
    if not isinstance(m, OfflineMap):
        localize(m, vendor_url=vendor_base_url(), strict=strict)
    page = m.get_root().render()
    if not isinstance(m, OfflineMap):
        root = m.get_root()
        if isinstance(root, Figure):
            _localize_header(root, vendor_base_url(), strict)
            page = root.render()

    if icons is None:
        without_links = _LINK_RE.sub("", _SCRIPT_SRC_RE.sub("", page))
        icons = bool(_ICON_USE_RE.search(without_links))

    def wanted(path: Path) -> bool:
        return icons or path.relative_to(VENDOR_DIR.resolve()).as_posix() not in ICON_ASSETS

    def script(match: re.Match) -> str:
        path = _vendor_file(_html.unescape(match.group(1)))
        if path is None:
            return match.group(0)
        return _inline_js(path) if wanted(path) else ""

    def link(match: re.Match) -> str:
        tag = match.group(0)
        if "stylesheet" not in tag.lower():
            return tag
        href = _HREF_RE.search(tag)
        path = _vendor_file(_html.unescape(href.group(1))) if href else None
        if path is None:
            return tag
        return f"<style>{_inline_css(path)}</style>" if wanted(path) else ""

    page = _SCRIPT_SRC_RE.sub(script, page)
    page = _LINK_RE.sub(link, page)
    left = external_urls(page)
    if left and strict:
        raise OfflineMapError(f"standalone map still links external files: {left}")
    return page


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {"script": "src", "link": "href"}.get(tag)
        if attr is None:
            return
        for key, value in attrs:
            if key == attr and value and _is_external(value.strip()):
                self.urls.append(value.strip())

    handle_startendtag = handle_starttag


def external_urls(html: str) -> list[str]:
    """http(s) (or protocol-relative) URLs of ``<script src>`` and ``<link href>`` tags.

    An offline-safe page returns ``[]``.  Tile URLs inside scripts are not counted
    (tiles are allowed to come from the internet).
    """
    finder = _LinkFinder()
    finder.feed(html)
    finder.close()
    return finder.urls
