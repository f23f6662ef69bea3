"""Latitude/longitude text to British National Grid metres, with a reason for every bad pair.

The reasons are the same words as the canonical incident CSV reader's (harm.io.incident_csv).
Both cells empty means "no location": not an error, the row loads and is counted under
``(no location)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pyproj import Transformer

from harm.io.rejects import RejectLog

_to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)

BNG_IN_LATLON = ("British National Grid metres in the latitude/longitude columns "
                 "(name the columns easting and northing)")
SWAPPED = "latitude and longitude look swapped"
OUTSIDE_GB = "coordinates outside Great Britain"
INCOMPLETE = "only one of latitude and longitude is given"


def latlon_to_bng(lat_text: pd.Series, lon_text: pd.Series, log: RejectLog,
                  lat_column: str = "latitude", lon_column: str = "longitude") -> tuple[np.ndarray, np.ndarray]:
    """``x, y`` (NaN where no location); bad pairs are rejected into ``log``."""
    lat_text = lat_text.str.strip()
    lon_text = lon_text.str.strip()
    lat = pd.to_numeric(lat_text, errors="coerce").to_numpy("float64", na_value=np.nan)
    lon = pd.to_numeric(lon_text, errors="coerce").to_numpy("float64", na_value=np.nan)
    lat_given = (lat_text != "").to_numpy()
    lon_given = (lon_text != "").to_numpy()
    log.reject(lat_given & ~np.isfinite(lat), lat_column, lat_text, "latitude is not a number")
    log.reject(lon_given & ~np.isfinite(lon), lon_column, lon_text, "longitude is not a number")
    log.reject(lat_given != lon_given, lat_column, lat_text + "," + lon_text, INCOMPLETE)
    with np.errstate(invalid="ignore"):
        looks_bng = (np.abs(lat) > 1000) | (np.abs(lon) > 1000)
        swapped = (np.abs(lat) < 10) & (np.abs(lon) > 45) & (np.abs(lon) < 62)
        outside = (lat < 49) | (lat > 61) | (lon < -9) | (lon > 2.5)
    pair = lat_text + "," + lon_text
    log.reject(looks_bng, lat_column, pair, BNG_IN_LATLON)
    log.reject(swapped, lat_column, pair, SWAPPED)
    log.reject(outside, lat_column, pair, OUTSIDE_GB)
    usable = np.isfinite(lat) & np.isfinite(lon) & log.ok
    x = np.full(len(lat), np.nan)
    y = np.full(len(lat), np.nan)
    if usable.any():
        x[usable], y[usable] = _transform_unique(lon[usable], lat[usable])
    return x, y


def _transform_unique(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project each distinct point once (data.police.uk points are snapped: many repeat)."""
    codes, uniques = pd.factorize(lon + 1j * lat)  # complex numbers hash both coordinates exactly
    if len(uniques) > len(lon) // 2:  # mostly distinct: projecting all is cheaper than gathering
        x, y = _to_bng.transform(lon, lat)
        return np.asarray(x), np.asarray(y)
    ux, uy = _to_bng.transform(uniques.real, uniques.imag)
    return np.asarray(ux)[codes], np.asarray(uy)[codes]
