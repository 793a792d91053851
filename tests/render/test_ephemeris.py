"""/scout ephemeris: the table fits Discord, the CSV holds everything."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from bot.render.ephemeris import (
    TABLE_WIDTH,
    dec_dms,
    ephemeris_csv,
    ephemeris_reply,
    ephemeris_table,
    ra_hms,
)
from bot.render.reply import embed_problems
from bot.scout.models import Ephemeris, EphemerisRecord, FieldOfView
from tests.builders import make_ephemeris, make_object
from tests.recorded import ephemeris


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode())))


class TestSexagesimal:
    @pytest.mark.parametrize(
        ("degrees", "text"),
        [(312.8884703, "20 51 33.2"), (0.0, "00 00 00.0"), (359.99999, "00 00 00.0")],
    )
    def test_ra(self, degrees: float, text: str) -> None:
        assert ra_hms(degrees) == text

    @pytest.mark.parametrize(
        ("degrees", "text"),
        [
            (-7.7013694, "-07 42 05"),
            (45.5, "+45 30 00"),
            (-0.0001, "-00 00 00"),
            (89.99999, "+90 00 00"),
        ],
    )
    def test_dec(self, degrees: float, text: str) -> None:
        assert dec_dms(degrees) == text

    def test_missing_positions_are_a_dash(self) -> None:
        assert ra_hms(None) == "–" and dec_dms(None) == "–"


class TestTable:
    def test_the_recorded_ephemeris_reads_row_by_row(self) -> None:
        table = ephemeris_table(ephemeris().records, topocentric=False)
        lines = table.splitlines()
        assert lines[0] == "```" and lines[-1] == "```"
        assert lines[1].split() == ["UTC", "R.A.", "Dec.", "V", '"/min', "PA", "σ'"]
        assert lines[2].split() == [
            "09-03", "11:32", "20", "51", "33.2", "-07", "42", "05",
            "19.8", "9.41", "225", "0.02",
        ]  # fmt: skip
        assert len(lines) == 6
        # Columns line up: every row as wide as the header's columns allow.
        assert all(len(line) <= TABLE_WIDTH for line in lines)

    def test_a_topocentric_site_adds_the_sun_and_the_altitude(self) -> None:
        record = EphemerisRecord(
            time=datetime(2026, 9, 3, 2, 0, tzinfo=UTC),
            sun_flag="n",
            median={"ra": 10.0, "dec": 5.0, "el": 36.4},
        )
        table = ephemeris_table([record], topocentric=True)
        header, row = table.splitlines()[1:3]
        assert header.split()[-2:] == ["Alt", "S"]
        assert row.split()[-2:] == ["36", "n"]

    @pytest.mark.parametrize("topocentric", [False, True])
    def test_every_row_fits_55_characters_whatever_the_values(self, topocentric: bool) -> None:
        """An embed is about 520 px wide: 55 monospace characters on a desktop."""
        extremes = make_ephemeris(
            3, vmag=35.55, rate=1234.5, pa=359.9, el=-89.9, elong=179.0, moon=180.0
        )
        records = [
            record.model_copy(update={"sigma_pos": 98765.4, "sun_flag": "*"})
            for record in [*extremes.records, *ephemeris().records]
        ]
        table = ephemeris_table(records, topocentric=topocentric)
        header, *rows = table.split("```")[1].strip("\n").splitlines()
        assert len(header) <= TABLE_WIDTH
        # Every value within its column: all rows as wide as the header.
        assert {len(row) for row in rows} == {len(header)}

    @pytest.mark.parametrize("topocentric", [False, True])
    def test_a_value_too_wide_for_its_column_is_marked_and_keeps_the_table_aligned(
        self, topocentric: bool
    ) -> None:
        """Scout has no bound on these: a grazing impactor's rate or a lost object's V."""
        wild = make_ephemeris(1, vmag=123456.0, rate=2.5e6, pa=3600.0, el=1.0e5, dec=-1.0e30)
        records = [
            record.model_copy(update={"sigma_pos": 4.0e7, "sun_flag": "dusk"})
            for record in [*wild.records, *ephemeris().records]
        ]
        table = ephemeris_table(records, topocentric=topocentric)
        header, wild_row, *rows = table.split("```")[1].strip("\n").splitlines()
        assert {len(row) for row in [wild_row, *rows]} == {len(header)}
        assert "####" in wild_row  # like a spreadsheet: the value is in the CSV

    def test_rows_beyond_the_limit_are_counted_and_sent_to_the_csv(self) -> None:
        table = ephemeris_table(make_ephemeris(500).records, topocentric=True, limit=4096)
        assert len(table) <= 4096
        assert table.endswith("more rows in the CSV")
        rows_shown = len(table.split("```")[1].strip("\n").splitlines()) - 1  # minus the header
        hidden = int(table.rsplit("… ", 1)[1].split()[0])
        assert rows_shown > 10
        assert rows_shown + hidden == 500

    def test_a_table_that_fits_has_no_note(self) -> None:
        table = ephemeris_table(make_ephemeris(10).records, topocentric=False)
        assert "more rows" not in table

    def test_no_records_is_a_sentence(self) -> None:
        assert "No ephemeris times" in ephemeris_table([], topocentric=False)


class TestCsv:
    def test_every_column_and_every_limit_of_the_recorded_answer(self) -> None:
        eph = ephemeris()
        rows = _rows(ephemeris_csv(eph))
        header = rows[0]
        assert len(rows) == 1 + len(eph.records)
        for column in (
            "time",
            "sigma_pos",
            "ra",
            "dec",
            "vmag",
            "ra_min",
            "ra_max",
            "ra_sigma_min",
        ):
            assert column in header
        first = dict(zip(header, rows[1], strict=True))
        assert first["time"] == "2026-09-03 11:32:27"
        assert float(first["ra"]) == pytest.approx(312.8884703)
        assert float(first["ra_min"]) == pytest.approx(312.8872571)
        assert float(first["dec_sigma_max"]) == pytest.approx(-7.701049)

    def test_a_large_ephemeris_keeps_every_row_in_the_csv(self) -> None:
        eph = make_ephemeris(500)
        reply = ephemeris_reply(eph, obs_code="F51")
        reply.check_limits()
        (attachment,) = reply.attachments
        assert attachment.filename == "P10vY9r_ephemeris_F51.csv"
        assert len(_rows(attachment.data)) == 501

    def test_field_values_and_per_orbit_rows_are_kept_too(self) -> None:
        record = EphemerisRecord(
            time=datetime(2026, 9, 3, 2, 0, tzinfo=UTC),
            median={"ra": 10.0},
            orbit_rows=[{"ra": 1.0, "dec": 2.0}, {"ra": 3.0, "dec": 4.0}],
            fov=FieldOfView.from_payload({"count": "370", "prob": "0.37"}),
        )
        eph = Ephemeris(object=make_object(), records=[record], data_fields=["ra", "dec"])
        reply = ephemeris_reply(eph)
        main, orbits = reply.attachments
        header, row = _rows(main.data)
        assert dict(zip(header, row, strict=True))["fov_prob"] == "0.37"
        assert _rows(orbits.data) == [["time", "orbit", "ra", "dec"],
                                      ["2026-09-03 02:00:00", "0", "1.0", "2.0"],
                                      ["2026-09-03 02:00:00", "1", "3.0", "4.0"]]  # fmt: skip


class TestReply:
    def test_the_embed_names_the_site_and_reminds_the_mpc_rule(self) -> None:
        reply = ephemeris_reply(ephemeris())
        (embed,) = reply.embeds
        assert embed.title == "Ephemeris of 6J12821 from the geocentre (500)"
        assert "do not repost" in (embed.footer.text or "")
        assert embed_problems(embed) == []

    def test_a_long_designation_fits(self) -> None:
        eph = make_ephemeris(3, obj=make_object(objectName="Q" * 400))
        reply = ephemeris_reply(eph)
        reply.check_limits()
        assert len(reply.attachments[0].filename) <= 100
