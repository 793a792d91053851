"""A site as the sky computations need it: where it is and what it can reach."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_MIN_ALTITUDE = 25.0


class Twilight(StrEnum):
    """How dark the sky must be; the value is the public choice of /site add."""

    NAUTICAL = "nautical"
    ASTRONOMICAL = "astronomical"

    @property
    def sun_altitude(self) -> float:
        """The Sun must be below this altitude (degrees) for the sky to count as dark."""
        return -12.0 if self is Twilight.NAUTICAL else -18.0

    @property
    def label(self) -> str:
        return f"{self.value} (Sun below {self.sun_altitude:g}°)"


@dataclass(frozen=True)
class Location:
    """Geodetic position on the WGS84 ellipsoid; hashable so sky grids can be cached."""

    latitude: float  # degrees, north positive
    longitude: float  # degrees, east positive, -180..180
    height_m: float


class Site(BaseModel):
    """One of a server's telescopes: an MPC code with the MPC's coordinates and the
    team's own limits. The coordinates are kept with the site, so a site keeps working
    if a later list drops or moves its code."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[A-Z0-9]{3}$")
    name: str = Field(min_length=1, max_length=100)
    longitude: float = Field(ge=0, lt=360)  # degrees east, as the MPC gives it
    rho_cos_phi: float = Field(ge=0, le=1.1)
    rho_sin_phi: float = Field(ge=-1.1, le=1.1)
    min_altitude: float = Field(default=DEFAULT_MIN_ALTITUDE, ge=0, le=89)
    limiting_vmag: float | None = Field(default=None, ge=5, le=30)
    fov_arcmin: float | None = Field(default=None, gt=0, le=1800)
    twilight: Twilight = Twilight.NAUTICAL

    @property
    def label(self) -> str:
        """How answers name the site: "Mt. Lemmon (G96)"."""
        return f"{self.name} ({self.code})"
