"""Time-expression parsing: a table of questions and the exact UTC windows they mean."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from agents.orchestrator.router.models import TimeWindow
from agents.orchestrator.router.time_window import parse_time_window, shift_window


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


THU = t("2025-03-13 15:30")  # a Thursday; the week started Monday 2025-03-10
NEW_YEAR = t("2025-01-01 10:00")  # a Wednesday: month, quarter and year boundaries just behind
LEAP = t("2024-03-01 08:00")  # a Friday, the day after 29 February
MON = t("2025-03-17 09:00")
SAT = t("2025-03-15 12:00")
MONTH_END = t("2025-03-31 12:00")

CASES = [
    # (now, question, start, end)
    (THU, "Why did our costs spike last Tuesday, and were there job failures?", "2025-03-11", "2025-03-12"),
    (THU, "errors in the past 24 hours", "2025-03-12 15:30", "2025-03-13 15:30"),
    (THU, "what failed yesterday?", "2025-03-12", "2025-03-13"),
    (THU, "anything today", "2025-03-13", "2025-03-13 15:30"),
    (THU, "the day before yesterday", "2025-03-11", "2025-03-12"),
    (THU, "spend last week", "2025-03-03", "2025-03-10"),
    (THU, "failures this week", "2025-03-10", "2025-03-13 15:30"),
    (THU, "DBUs since the 1st", "2025-03-01", "2025-03-13 15:30"),
    (THU, "grants since Monday", "2025-03-10", "2025-03-13 15:30"),
    (THU, "bill in March", "2025-03-01", "2025-03-13 15:30"),
    (THU, "bill in February", "2025-02-01", "2025-03-01"),
    (THU, "what happened in May", "2024-05-01", "2024-06-01"),
    (THU, "idle clusters over the weekend", "2025-03-08", "2025-03-10"),
    (THU, "runs on 2025-03-02", "2025-03-02", "2025-03-03"),
    (THU, "from 2025-03-01 to 2025-03-05", "2025-03-01", "2025-03-06"),
    (THU, "between 2025-01-01 and 2025-01-31", "2025-01-01", "2025-02-01"),
    (THU, "at 2025-03-12T09:15Z", "2025-03-12 09:15", "2025-03-12 10:15"),
    (THU, "last 7 days", "2025-03-06 15:30", "2025-03-13 15:30"),
    (THU, "the last 7d", "2025-03-06 15:30", "2025-03-13 15:30"),
    (THU, "over the last few days", "2025-03-10 15:30", "2025-03-13 15:30"),
    (THU, "cost last month", "2025-02-01", "2025-03-01"),
    (THU, "spend in Q4 2024", "2024-10-01", "2025-01-01"),
    (THU, "failures in 2024", "2024-01-01", "2025-01-01"),
    (THU, "3 days ago", "2025-03-10", "2025-03-11"),
    (THU, "what broke last night", "2025-03-12 18:00", "2025-03-13 06:00"),
    (THU, "the week before last", "2025-02-24", "2025-03-03"),
    (THU, "on March 3rd", "2025-03-03", "2025-03-04"),
    (THU, "on 3 March 2024", "2024-03-03", "2024-03-04"),
    (THU, "last quarter", "2024-10-01", "2025-01-01"),
    (THU, "spend ytd", "2025-01-01", "2025-03-13 15:30"),
    (THU, "this morning", "2025-03-13", "2025-03-13 12:00"),
    (THU, "the past fortnight", "2025-02-27 15:30", "2025-03-13 15:30"),
    (NEW_YEAR, "yesterday", "2024-12-31", "2025-01-01"),
    (NEW_YEAR, "last month", "2024-12-01", "2025-01-01"),
    (NEW_YEAR, "last week", "2024-12-23", "2024-12-30"),
    (NEW_YEAR, "this week", "2024-12-30", "2025-01-01 10:00"),
    (NEW_YEAR, "since the 15th", "2024-12-15", "2025-01-01 10:00"),
    (NEW_YEAR, "in December", "2024-12-01", "2025-01-01"),
    (NEW_YEAR, "last Tuesday", "2024-12-31", "2025-01-01"),
    (NEW_YEAR, "Q4", "2024-10-01", "2025-01-01"),
    (NEW_YEAR, "last year", "2024-01-01", "2025-01-01"),
    (LEAP, "yesterday", "2024-02-29", "2024-03-01"),
    (LEAP, "last month", "2024-02-01", "2024-03-01"),
    (LEAP, "since the 1st", "2024-03-01", "2024-03-01 08:00"),
    (LEAP, "since the 30th", "2024-01-30", "2024-03-01 08:00"),
    (MON, "last Monday", "2025-03-10", "2025-03-11"),
    (MON, "on Monday", "2025-03-17", "2025-03-17 09:00"),
    (MON, "Sunday", "2025-03-16", "2025-03-17"),
    (MON, "over the weekend", "2025-03-15", "2025-03-17"),
    (SAT, "over the weekend", "2025-03-15", "2025-03-15 12:00"),
    (SAT, "last weekend", "2025-03-08", "2025-03-10"),
]


@pytest.mark.parametrize(("now", "question", "start", "end"), CASES, ids=[f"{c[0]:%a %Y-%m-%d}: {c[1]}" for c in CASES])
def test_window_table(now: datetime, question: str, start: str, end: str) -> None:
    window = parse_time_window(question, now)
    assert window is not None, question
    assert (window.start, window.end) == (t(start), t(end))
    assert window.end <= now, "a window never reaches into the future"
    assert window.start.tzinfo is not None and window.start.utcoffset().total_seconds() == 0


COMPARISONS = [
    # (now, question, primary start, primary end, comparison start, comparison end)
    (THU, "p95 this week vs last", "2025-03-10", "2025-03-13 15:30", "2025-03-03", "2025-03-06 15:30"),
    (THU, "this week vs last week", "2025-03-10", "2025-03-13 15:30", "2025-03-03", "2025-03-10"),
    (THU, "week over week", "2025-03-06 15:30", "2025-03-13 15:30", "2025-02-27 15:30", "2025-03-06 15:30"),
    (THU, "month-over-month spend", "2025-02-01", "2025-03-01", "2025-01-01", "2025-02-01"),
    (THU, "compared to last week, is this week worse?", "2025-03-10", "2025-03-13 15:30", "2025-03-03", "2025-03-10"),
    (THU, "yesterday vs the day before", "2025-03-12", "2025-03-13", "2025-03-11", "2025-03-12"),
    (THU, "past 24 hours compared with the period before", "2025-03-12 15:30", "2025-03-13 15:30", "2025-03-11 15:30", "2025-03-12 15:30"),
    (THU, "cost this month than usual", "2025-03-01", "2025-03-13 15:30", "2025-02-01", "2025-02-13 15:30"),
    (MONTH_END, "this month vs last", "2025-03-01", "2025-03-31 12:00", "2025-02-01", "2025-02-28 12:00"),
    # only the baseline is named: the time since it ended, compared with it (a seed example of #18)
    (THU, "Why are my ETL jobs running slower than last week?", "2025-03-10", "2025-03-13 15:30", "2025-03-03", "2025-03-10"),
    (THU, "is spend higher than yesterday?", "2025-03-13", "2025-03-13 15:30", "2025-03-12", "2025-03-13"),
]


@pytest.mark.parametrize(("now", "question", "ps", "pe", "cs", "ce"), COMPARISONS, ids=[c[1] for c in COMPARISONS])
def test_comparison_windows(now: datetime, question: str, ps: str, pe: str, cs: str, ce: str) -> None:
    window = parse_time_window(question, now)
    assert window is not None and window.comparison is not None, question
    assert (window.start, window.end) == (t(ps), t(pe))
    assert (window.comparison.start, window.comparison.end) == (t(cs), t(ce))


@pytest.mark.parametrize(
    "question",
    [
        "Which jobs failed?",
        "Are there tokens older than 90 days?",
        "what may happen to the warehouse",
        "did we miss the 7am SLA",
        "service principals that have not rotated secrets in 6 months",
        "values outside their normal range",
        "jobs that ran on mondays",
        "what will it cost next Tuesday",
        "budget for next March",
    ],
)
def test_questions_without_a_time_expression(question: str) -> None:
    assert parse_time_window(question, THU) is None


def test_naive_now_is_taken_as_utc() -> None:
    window = parse_time_window("yesterday", datetime(2025, 3, 13, 15, 30))
    assert window is not None and window.start == t("2025-03-12")


def test_label_keeps_the_users_words() -> None:
    window = parse_time_window("why did costs spike Last Tuesday?", THU)
    assert window is not None and window.label == "Last Tuesday"
    assert "2025-03-11 00:00" in window.describe()


def test_future_only_expression_is_dropped() -> None:
    assert parse_time_window("in 2030", THU) is None


FOLLOW_UPS = [
    ("and the week before?", "2025-03-04", "2025-03-05"),
    ("and before that?", "2025-03-10", "2025-03-11"),
    ("what about yesterday?", "2025-03-12", "2025-03-13"),
    ("the month before", "2025-02-11", "2025-02-12"),
]


@pytest.mark.parametrize(("question", "start", "end"), FOLLOW_UPS, ids=[f[0] for f in FOLLOW_UPS])
def test_follow_up_windows_resolve_against_the_previous_one(question: str, start: str, end: str) -> None:
    previous = parse_time_window("last Tuesday", THU)
    window = parse_time_window(question, THU, previous=previous)
    assert window is not None and (window.start, window.end) == (t(start), t(end))


def test_relative_expression_without_previous_window_means_the_previous_calendar_period() -> None:
    window = parse_time_window("what failed the previous week?", THU)
    assert window is not None and (window.start, window.end) == (t("2025-03-03"), t("2025-03-10"))


def test_shift_window_defaults_to_its_own_period() -> None:
    month = TimeWindow(start=t("2025-02-01"), end=t("2025-03-01"), granularity="month", label="February")
    shifted = shift_window(month)
    assert (shifted.start, shifted.end) == (t("2025-01-01"), t("2025-02-01"))


def test_time_window_rejects_reversed_bounds() -> None:
    with pytest.raises(ValidationError, match="starts after it ends"):
        TimeWindow(start=t("2025-03-02"), end=t("2025-03-01"), granularity="day", label="bad")
