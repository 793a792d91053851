"""Sites and objects placed on the sky on purpose, for the sky tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from skyfield.api import Star, wgs84

from bot.scout.models import ScoutObject
from bot.sky import Site, Twilight, site_observatory
from bot.sky.bodies import bodies
from bot.sky.plan import location_of
from tests.builders import scout_object


def site(code: str = "G96", **changes: Any) -> Site:
    """The MPC's coordinates for ``code`` with the team's limits in ``changes``."""
    observatory = site_observatory(code)
    assert observatory.longitude is not None
    assert observatory.rho_cos_phi is not None and observatory.rho_sin_phi is not None
    fields: dict[str, Any] = {
        "code": observatory.code,
        "name": observatory.name,
        "longitude": observatory.longitude,
        "rho_cos_phi": observatory.rho_cos_phi,
        "rho_sin_phi": observatory.rho_sin_phi,
        "twilight": Twilight.NAUTICAL,
        **changes,
    }
    return Site(**fields)


def placed(
    designation: str, ra_deg: float, dec_deg: float, *, at: datetime, **changes: Any
) -> ScoutObject:
    """A summary record at this R.A./Dec. (rounded as Scout rounds: minutes of time, whole
    degrees), its position valid at ``at``."""
    total_minutes = round((ra_deg % 360.0) / 15.0 * 60.0) % (24 * 60)
    ra = f"{total_minutes // 60:02d}:{total_minutes % 60:02d}"
    dec = f"{'-' if dec_deg < 0 else '+'}{abs(round(dec_deg)):02d}"
    fields: dict[str, Any] = {
        "ra": ra,
        "dec": dec,
        "tEphem": at.strftime("%Y-%m-%d %H:%M"),
        "rate": "1.0",
        **changes,
    }
    return scout_object(designation, **fields)


def sun_radec(at: datetime) -> tuple[float, float]:
    """The apparent Sun's R.A. and Dec. (degrees) at ``at``."""
    sky = bodies()
    ra, dec, _ = sky.earth.at(sky.time(at)).observe(sky.sun).apparent().radec()
    return float(ra._degrees), float(dec.degrees)


def opposite_sun_ra(at: datetime) -> float:
    return (sun_radec(at)[0] + 180.0) % 360.0


def skyfield_altitude(site_: Site, ra_deg: float, dec_deg: float, at: datetime) -> float:
    """Skyfield's own apparent altitude (no refraction) of a fixed star at ra/dec."""
    sky = bodies()
    where = location_of(site_)
    observer = sky.earth + wgs84.latlon(where.latitude, where.longitude, where.height_m)
    star = Star(ra_hours=ra_deg / 15.0, dec_degrees=dec_deg)
    altitude, _, _ = observer.at(sky.time(at)).observe(star).apparent().altaz()
    return float(np.asarray(altitude.degrees))


def meridian_ra(site_: Site, when: datetime) -> float:
    """The R.A. (degrees) on the site's meridian at ``when``: an object there transits then."""
    sky = bodies()
    zenith = sky.zenith_directions(location_of(site_), sky.minutes_after(when, np.array([0.0])))
    return float(np.degrees(np.arctan2(zenith[1, 0], zenith[0, 0])) % 360.0)
