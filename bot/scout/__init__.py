"""JPL CNEOS Scout: typed models, request validation and the client."""

from __future__ import annotations

from bot.scout.client import ScoutClient
from bot.scout.errors import (
    ObjectNotFound,
    ScoutBadResponse,
    ScoutRequestRefused,
    ScoutUnavailable,
)
from bot.scout.models import (
    PLOT_KINDS,
    DataFile,
    Ephemeris,
    EphemerisRecord,
    FieldOfView,
    Limits,
    ObjectFileList,
    ObjectObservations,
    ObjectOrbits,
    ObjectPlots,
    SampledOrbit,
    ScoutObject,
    Signature,
    Summary,
)
from bot.scout.validation import EphemerisQuery, FieldOfViewRequest
from bot.scout.values import (
    parse_plot_kinds,
    validate_designation,
    validate_obs_code,
    validate_orbit_count,
)

__all__ = [
    "PLOT_KINDS",
    "DataFile",
    "Ephemeris",
    "EphemerisQuery",
    "EphemerisRecord",
    "FieldOfView",
    "FieldOfViewRequest",
    "Limits",
    "ObjectFileList",
    "ObjectNotFound",
    "ObjectObservations",
    "ObjectOrbits",
    "ObjectPlots",
    "SampledOrbit",
    "ScoutBadResponse",
    "ScoutClient",
    "ScoutObject",
    "ScoutRequestRefused",
    "ScoutUnavailable",
    "Signature",
    "Summary",
    "parse_plot_kinds",
    "validate_designation",
    "validate_obs_code",
    "validate_orbit_count",
]
