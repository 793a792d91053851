"""From Scout's JSON to the typed models: tolerant of key order, extra keys and gaps.

Anything that is not the shape Scout documents raises ScoutBadResponse with a reason for
the log; nothing here lets a KeyError or a pydantic ValidationError escape.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from pydantic import TypeAdapter, ValidationError

from bot.scout.cells import SENTINEL_LIMIT, ephemeris_cell, lenient_float, to_utc
from bot.scout.errors import ScoutBadResponse
from bot.scout.models import (
    PLOT_KEYS,
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
    UnreadableRow,
)

log = logging.getLogger(__name__)

DOCUMENTED_VERSION = "1.3"
# One validation call for all rows or records: far faster than one per row.
_ORBITS = TypeAdapter(list[SampledOrbit])
_RECORDS = TypeAdapter(list[EphemerisRecord])
_warned_versions: set[str] = set()
# Unreadable summary rows already logged: (designation, reason).
_logged_rows: set[tuple[str | None, str]] = set()
MAX_REMEMBERED_ROWS = 1000

# Keys of an ephemeris record that have their own place in EphemerisRecord.
_RECORD_KEYS = frozenset(
    {"time", "sun-flag", "sigma-pos", "median", "limits", "sigma-limits", "data", "fov"}
)


def decode_json(body: bytes) -> dict[str, Any]:
    """The JSON object in a 200 answer; ScoutBadResponse for HTML, cut or non-object JSON."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        start = body[:60].decode("utf-8", "replace").strip()
        kind = "HTML" if start.lower().startswith(("<!doctype", "<html", "<")) else "not JSON"
        raise ScoutBadResponse(f"answer is {kind} ({exc}): {start!r}") from None
    if not isinstance(payload, dict):
        raise ScoutBadResponse(f"answer is JSON {type(payload).__name__}, not an object")
    return payload


def check_signature(payload: Mapping[str, Any]) -> None:
    """Warn once per process per version when Scout says it changed its format."""
    signature = payload.get("signature")
    version = signature.get("version") if isinstance(signature, dict) else None
    if version is None or str(version) == DOCUMENTED_VERSION:
        return
    if str(version) not in _warned_versions:
        _warned_versions.add(str(version))
        log.warning(
            "Scout API signature version is %r, the bot was written for %s: parsing goes "
            "on, but check the answers (https://ssd-api.jpl.nasa.gov/doc/scout.html)",
            version,
            DOCUMENTED_VERSION,
        )


@contextmanager
def _shape(what: str) -> Iterator[None]:
    """Turn any surprise while reading ``what`` into ScoutBadResponse."""
    try:
        yield
    except ScoutBadResponse:
        raise
    except (ValidationError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ScoutBadResponse(f"unexpected {what}: {_short(exc)}") from None


def parse_summary(payload: Mapping[str, Any]) -> Summary:
    """The summary's rows; a row the models cannot take is skipped and kept as unreadable,
    so that one bad row does not hide every other object (the watcher decides whether a
    summary with many of them can be trusted)."""
    with _shape("summary"):
        if "data" not in payload and lenient_float(payload.get("count")) != 0:
            # Scout leaves out `data` only when `count` is zero: anything else is an error
            # answer, not an empty NEOCP.
            raise ScoutBadResponse(f"summary has no `data` and `count` {payload.get('count')!r}")
        data = payload.get("data") or []
        if not isinstance(data, list):
            raise ScoutBadResponse("summary `data` is not a list")
        objects: list[ScoutObject] = []
        unreadable: list[UnreadableRow] = []
        for row in data:
            try:
                objects.append(_summary_row(row))
            except (ValidationError, TypeError, ValueError) as exc:
                unreadable.append(UnreadableRow(designation=_row_name(row), reason=_reason(exc)))
        _log_new_unreadable(unreadable)
        return Summary(
            signature=_signature(payload),
            count=payload.get("count"),
            data=objects,
            unreadable=tuple(unreadable),
        )


def _summary_row(row: Any) -> ScoutObject:
    if not isinstance(row, dict):
        raise TypeError(f"the row is a JSON {type(row).__name__}, not an object")
    if _row_name(row) is None:
        raise ValueError(f"objectName is {row.get('objectName')!r}, not a designation")
    return ScoutObject.model_validate(row)


def _row_name(row: Any) -> str | None:
    name = row.get("objectName") if isinstance(row, dict) else None
    return name.strip() if isinstance(name, str) and name.strip() else None


def _reason(exc: Exception) -> str:
    """What is wrong with a row, on one line: each bad field and the value it had."""
    if isinstance(exc, ValidationError):
        return _short_text(
            "; ".join(
                f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']} "
                f"(got {_shown(error.get('input'))})"
                for error in exc.errors()
            )
        )
    return _short(exc)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _log_new_unreadable(rows: list[UnreadableRow]) -> None:
    """Each unreadable row is logged when first seen, not again at every poll."""
    new = [row for row in rows if (row.designation, row.reason) not in _logged_rows]
    if len(_logged_rows) > MAX_REMEMBERED_ROWS:
        _logged_rows.clear()  # bounded memory; the worst case is one more line per row
    for row in new:
        _logged_rows.add((row.designation, row.reason))
        log.warning(
            "Scout summary: skipping unreadable row %s: %s (logged once; other rows used)",
            row.designation or "without a designation",
            row.reason,
        )


def parse_object(payload: Mapping[str, Any]) -> ScoutObject:
    with _shape("object record"):
        if "objectName" not in payload:
            raise ScoutBadResponse("object answer has no objectName")
        return ScoutObject.model_validate(payload)


def parse_plots(payload: Mapping[str, Any], kinds: Collection[str]) -> ObjectPlots:
    """Every ``*_fig`` key, decoded; known keys of the asked kinds that are absent are None."""
    obj = parse_object(payload)
    plots: dict[str, bytes | None] = {}
    for kind in sorted(kinds):
        for key in PLOT_KEYS.get(kind, ()):
            plots[key] = None
    for key, value in payload.items():
        if key.endswith("_fig"):
            plots[key] = _png(key, value)
    return ObjectPlots(object=obj, kinds=frozenset(kinds), plots=plots)


def parse_observations(payload: Mapping[str, Any]) -> ObjectObservations:
    obj = parse_object(payload)
    text = payload.get("fileMPC")
    if text is not None and not isinstance(text, str):
        raise ScoutBadResponse(f"fileMPC is {type(text).__name__}, not text")
    return ObjectObservations(object=obj, text=text or None)


def parse_file_list(payload: Mapping[str, Any]) -> ObjectFileList:
    obj = parse_object(payload)
    listing = payload.get("file") or {}
    if not isinstance(listing, dict):
        raise ScoutBadResponse("`file` is not an object")
    with _shape("file list"):
        entries = {key: value for key, value in listing.items() if isinstance(value, dict)}
        # The document's example puts "size" beside the entries rather than inside them;
        # with a single entry, that size can only be that file's.
        loose_size = listing.get("size") if len(entries) == 1 else None
        files = [
            DataFile(
                key=key,
                name=entry.get("name"),
                size=entry.get("size", loose_size),
            )
            for key, entry in entries.items()
        ]
    return ObjectFileList(object=obj, files=files)


def parse_orbits(payload: Mapping[str, Any]) -> ObjectOrbits:
    obj = parse_object(payload)
    block = payload.get("orbits")
    if not isinstance(block, dict):
        raise ScoutBadResponse("object answer has no `orbits` block")
    with _shape("sampled orbits"):
        fields = [str(name) for name in block.get("fields") or ()]
        rows = block.get("data") or []
        if not fields and rows:
            raise ScoutBadResponse("orbit rows come without `fields`")
        orbits = _ORBITS.validate_python([dict(zip(fields, row, strict=False)) for row in rows])
        return ObjectOrbits(object=obj, count=block.get("count"), fields=fields, orbits=orbits)


def parse_ephemeris(payload: Mapping[str, Any]) -> Ephemeris:
    head = payload.get("object")
    if not isinstance(head, dict):
        raise ScoutBadResponse("ephemeris answer has no `object` record")
    obj = parse_object(head)
    records_raw = payload.get("eph") or []
    if not isinstance(records_raw, list):
        raise ScoutBadResponse("ephemeris `eph` is not a list")
    with _shape("ephemeris"):
        fields = [str(name) for name in payload.get("data-fields") or ()]
        records = _records(records_raw, fields)
        top_fov = payload.get("fov")
        fov = FieldOfView.from_payload(top_fov) if top_fov is not None else None
        if fov is None:
            fov = next((record.fov for record in records if record.fov is not None), None)
        return Ephemeris(
            signature=_signature(payload),
            object=obj,
            count=payload.get("count"),
            orbit_count=payload.get("orbit-count"),
            data_fields=fields,
            records=records,
            fov=fov,
        )


def _records(raws: list[Any], fields: list[str]) -> list[EphemerisRecord]:
    """All records in one validation; leniently, value by value, if that meets anything odd.

    The fast way lets pydantic read Scout's numeric strings itself (a 500-record answer
    holds some 18,000); a "NULL", a word or a 1.0E+99 sends the whole answer the slow way,
    where such values become None instead of failing it.
    """
    shaped = [_shaped_record(raw, fields) for raw in raws]
    try:
        records = _RECORDS.validate_python(shaped)
    except ValidationError:
        records = None
    if records is None or any(_holds_sentinel(record) for record in records):
        records = _RECORDS.validate_python([_leniently(record) for record in shaped])
    return records


def _shaped_record(raw: Any, fields: list[str]) -> dict[str, Any]:
    """Scout's record under the model's field names, values still as Scout sent them."""
    if not isinstance(raw, dict):
        raise ScoutBadResponse("an ephemeris record is not an object")
    if not raw.get("time"):
        raise ScoutBadResponse("an ephemeris record has no time")
    rows = raw.get("data") or []
    fov = raw.get("fov")
    sun_flag = raw.get("sun-flag")
    return {
        "time": to_utc(raw["time"]),
        "sun_flag": None if sun_flag in (None, "") else str(sun_flag),
        "sigma_pos": raw.get("sigma-pos"),
        "median": raw.get("median") or {},
        "limits": raw.get("limits") or {},
        "sigma_limits": raw.get("sigma-limits") or {},
        "orbit_rows": [
            {name: ephemeris_cell(value) for name, value in zip(fields, row, strict=False)}
            for row in rows
            if isinstance(row, list)
        ],
        "fov": FieldOfView.from_payload(fov) if fov is not None else None,
        "extra": {key: value for key, value in raw.items() if key not in _RECORD_KEYS},
    }


def _holds_sentinel(record: EphemerisRecord) -> bool:
    values = [record.sigma_pos, *record.median.values()]
    for group in (record.limits, record.sigma_limits):
        values += [bound for limit in group.values() for bound in (limit.min, limit.max)]
    return any(value is not None and abs(value) >= SENTINEL_LIMIT for value in values)


def _leniently(record: dict[str, Any]) -> dict[str, Any]:
    return {
        **record,
        "sigma_pos": lenient_float(record["sigma_pos"]),
        "median": _numbers(record["median"]),
        "limits": _limits(record["limits"]),
        "sigma_limits": _limits(record["sigma_limits"]),
    }


def _numbers(block: Any) -> dict[str, float | None]:
    if not isinstance(block, dict):
        return {}
    return {str(key): lenient_float(value) for key, value in block.items()}


def _limits(block: Any) -> dict[str, Limits]:
    if not isinstance(block, dict):
        return {}
    return {
        str(key): Limits(lenient_float(value.get("min")), lenient_float(value.get("max")))
        for key, value in block.items()
        if isinstance(value, dict)
    }


def _png(key: str, value: Any) -> bytes | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        log.warning("Scout plot %s is %s, not Base64 text; treated as missing", key, type(value))
        return None
    try:
        return base64.b64decode(value, validate=False)
    except (binascii.Error, ValueError):
        log.warning("Scout plot %s is not valid Base64; treated as missing", key)
        return None


def _signature(payload: Mapping[str, Any]) -> Signature | None:
    signature = payload.get("signature")
    return Signature.model_validate(signature) if isinstance(signature, dict) else None


def _short(exc: Exception) -> str:
    return _short_text(str(exc))


def _short_text(text: str) -> str:
    text = text.replace("\n", " ")
    return text if len(text) < 300 else text[:297] + "..."
