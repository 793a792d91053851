"""Skyfield with the JPL DE421 ephemeris, loaded from installed packages only.

DE421 comes as an SPK file in the ``skyfield-data`` package and the time scale from the
tables built into Skyfield, so nothing is downloaded at run time and a machine without a
network computes the same sky. Loading takes tens of milliseconds, once per process.

Objects' altitudes are computed with numpy from the direction of the zenith, not with
Skyfield's per-target pipeline: thousands of NEOCP positions times hundreds of instants
must cost milliseconds. The zenith comes from Skyfield's sidereal time and its
precession-nutation matrix taken once per grid (it moves by far less than an arcsecond
in two days); tests hold the result to Skyfield's own altitudes.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np
from numpy.typing import NDArray
from skyfield.api import load, wgs84
from skyfield.jpllib import SpiceKernel
from skyfield.timelib import Time, Timescale
from skyfield.toposlib import ITRSPosition
from skyfield.units import Distance

from bot.sky.models import Location

log = logging.getLogger(__name__)

Vectors = NDArray[np.float64]
EARTH_EQUATORIAL_RADIUS_KM = 6378.137
_DE421 = files("skyfield_data").joinpath("data", "de421.bsp")


class Bodies:
    """The Sun and the Moon as seen from the Earth, and the Earth's orientation."""

    def __init__(self) -> None:
        # builtin=True: the leap-second and UT1 tables shipped inside Skyfield, no files.
        self.timescale: Timescale = load.timescale(builtin=True)
        self._kernel = SpiceKernel(str(_DE421))
        self.earth = self._kernel["earth"]
        self.sun = self._kernel["sun"]
        self.moon = self._kernel["moon"]

    def minutes_after(self, start: datetime, minutes: NDArray[np.float64]) -> Time:
        """The instants ``start + minutes`` (UTC), built in one vectorised call."""
        return self.timescale.utc(
            start.year,
            start.month,
            start.day,
            start.hour,
            start.minute + minutes,
            start.second + start.microsecond / 1e6,
        )

    def time(self, moment: datetime) -> Time:
        return self.timescale.from_datetime(moment)

    def sun_directions(self, when: Time) -> Vectors:
        """Unit vectors (3, n) of the apparent geocentric Sun, in the ICRS.

        The Sun's topocentric shift (under 9 arcseconds) does not matter for twilight.
        """
        position = self.earth.at(when).observe(self.sun).apparent().position.au
        return _unit(position)

    def moon_directions(self, location: Location, when: Time) -> Vectors:
        """Unit vectors (3, n) of the apparent Moon as seen from the site (parallax up to
        a degree), in the ICRS."""
        observer = self.earth + wgs84.latlon(
            location.latitude, location.longitude, elevation_m=location.height_m
        )
        position = observer.at(when).observe(self.moon).apparent().position.au
        return _unit(position)

    def moon_illumination(self, when: Time) -> float:
        """Fraction of the Moon's disc lit, 0..1."""
        from skyfield import almanac  # imported late: only /site list and tonight use it

        return float(almanac.fraction_illuminated(self._kernel, "moon", when))

    def zenith_directions(self, location: Location, when: Time) -> Vectors:
        """Unit vectors (3, n) of the site's zenith (the ellipsoid's normal) in the ICRS.

        sin(altitude) of a direction u is then ``zenith · u``.
        """
        middle = when[len(when) // 2] if when.shape else when
        # Apparent sidereal time = mean (cheap for every instant) + the equation of the
        # equinoxes, which changes by microseconds over the grid.
        equation_of_equinoxes = float(middle.gast - middle.gmst)
        sidereal_hours = np.atleast_1d(when.gmst) + equation_of_equinoxes
        local_angle = np.radians(sidereal_hours * 15.0 + location.longitude)
        latitude = np.radians(location.latitude)
        zenith_of_date = np.array(
            [
                np.cos(latitude) * np.cos(local_angle),
                np.cos(latitude) * np.sin(local_angle),
                np.full_like(local_angle, np.sin(latitude)),
            ]
        )
        # M turns ICRS into the true equator and equinox of date; its transpose back.
        icrs_from_date: Vectors = np.asarray(middle.M, dtype=np.float64).T
        zenith: Vectors = icrs_from_date @ zenith_of_date
        return zenith

    def location_from_parallax(
        self, longitude: float, rho_cos_phi: float, rho_sin_phi: float
    ) -> Location:
        """Geodetic latitude and height from the MPC's parallax constants."""
        lon = np.radians(longitude)
        xyz_km = [
            EARTH_EQUATORIAL_RADIUS_KM * rho_cos_phi * np.cos(lon),
            EARTH_EQUATORIAL_RADIUS_KM * rho_cos_phi * np.sin(lon),
            EARTH_EQUATORIAL_RADIUS_KM * rho_sin_phi,
        ]
        # Any instant will do: the ITRS position is turned to the sky and straight back.
        instant = self.timescale.tt_jd(2451545.0)
        place = wgs84.geographic_position_of(ITRSPosition(Distance(km=xyz_km)).at(instant))
        return Location(
            latitude=round(float(place.latitude.degrees), 6),
            longitude=round(float(place.longitude.degrees), 6),
            height_m=round(float(place.elevation.m), 1),
        )


def _unit(vectors: Any) -> Vectors:
    array: Vectors = np.asarray(vectors, dtype=np.float64)
    unit: Vectors = array / np.linalg.norm(array, axis=0)
    return unit


_lock = threading.Lock()


@cache
def _loaded() -> Bodies:
    return Bodies()


def bodies() -> Bodies:
    """The process's one Bodies, loaded on first use."""
    with _lock:  # a worker thread and the event loop may both ask first
        return _loaded()
