"""The recorded payloads in tests/fixtures are the shared ones, byte for byte."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, REPO

SHARED = REPO.parent / "shared" / "fixtures"


@pytest.mark.skipif(not SHARED.is_dir(), reason="no shared/ checkout beside this clone")
def test_every_shared_fixture_is_copied_unchanged() -> None:
    shared = {p.relative_to(SHARED): p.read_bytes() for p in SHARED.rglob("*") if p.is_file()}
    for relative, content in shared.items():
        copy = FIXTURES / relative
        assert copy.is_file(), f"tests/fixtures/{relative} is missing"
        assert copy.read_bytes() == content, f"tests/fixtures/{relative} differs from shared/"
