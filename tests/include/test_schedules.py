"""Schedules from the environment: default, off, presets, cron, and a clear refusal of anything else."""

from __future__ import annotations

import pytest

from include.schedules import schedule_from_env


@pytest.mark.parametrize(("raw", "expected"), [
    (None, "0 6 * * *"), ("", "0 6 * * *"), ("none", None), ("OFF", None), ("manual", None),
    ("@Daily", "@daily"), ("*/10 * * * *", "*/10 * * * *"), ("  15 3 * * 1-5 ", "15 3 * * 1-5"),
])
def test_a_schedule_is_read_from_its_variable(monkeypatch, raw, expected) -> None:
    if raw is None:
        monkeypatch.delenv("LAKEPILOT_SCHEDULE_TEST", raising=False)
    else:
        monkeypatch.setenv("LAKEPILOT_SCHEDULE_TEST", raw)
    assert schedule_from_env("LAKEPILOT_SCHEDULE_TEST", "0 6 * * *") == expected


@pytest.mark.parametrize("raw", ["every day", "61 * * * *", "@sometimes"])
def test_anything_else_is_refused_naming_the_variable(monkeypatch, raw) -> None:
    monkeypatch.setenv("LAKEPILOT_SCHEDULE_TEST", raw)
    with pytest.raises(ValueError, match="LAKEPILOT_SCHEDULE_TEST="):
        schedule_from_env("LAKEPILOT_SCHEDULE_TEST", "0 6 * * *")
