"""Layout and contract changes must be deliberate: outputs equal the reviewed golden files."""

from __future__ import annotations

import pytest

from golden_cases import GOLDEN, golden_outputs

OUTPUTS = golden_outputs()


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_output_matches_golden_file(name: str) -> None:
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert OUTPUTS[name] == expected, (
        f"{name} changed; if deliberate, run `python tests/regen_golden.py` and review the diff"
    )
