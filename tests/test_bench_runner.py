"""The benchmark runner's aggregation: medians across runs, nested figures flattened, Markdown output."""

from bench.run import flatten, markdown, median_of


def test_nested_figures_are_flattened_and_targets_kept() -> None:
    flat = flatten({"cold": {"p50_s": 1.0, "p95_s": 2.0, "per_q": [1, 2]}, "targets": {"cold.p95_s": "< 2 s"}, "n": 3})
    assert flat == {"cold.p50_s": 1.0, "cold.p95_s": 2.0, "targets": {"cold.p95_s": "< 2 s"}, "n": 3}


def test_median_of_takes_the_median_of_numbers_only() -> None:
    runs = [{"name": "x", "wall_s": 3.0, "ok": True, "cold": {"p95_s": 9.0}},
            {"name": "x", "wall_s": 1.0, "ok": False, "cold": {"p95_s": 1.0}},
            {"name": "x", "wall_s": 2.0, "ok": False, "cold": {"p95_s": 2.0}}]
    merged = median_of(runs)
    assert merged["wall_s"] == 2.0
    assert merged["cold.p95_s"] == 2.0
    assert merged["ok"] is True  # booleans are not averaged: first run's value
    assert merged["bench_runs"] == 3


def test_a_benchmark_figure_named_runs_is_not_overwritten_by_the_repeat_count() -> None:
    merged = median_of([{"runs": 200}, {"runs": 200}, {"runs": 200}])
    assert merged["runs"] == 200 and merged["bench_runs"] == 3


def test_markdown_lists_every_figure_with_its_target_and_errors() -> None:
    payload = {"generated_at": "2026-11-23T10:00:00+00:00", "total_wall_s": 12.5, "machine": {"cpus": 2},
               "results": [{"name": "ask", "cold.p95_s": 1.7, "targets": {"cold.p95_s": "< 2 s"}, "module": "bench_ask"},
                           {"name": "broken", "error": "Traceback\nValueError: boom"}]}
    text = markdown(payload)
    assert "| ask | cold.p95_s | 1.7 | < 2 s |" in text
    assert "| broken | error | ValueError: boom | |" in text
    assert "2 CPUs" in text
