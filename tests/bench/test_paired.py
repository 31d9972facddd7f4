"""The benchmarks' pairing: reference and candidate alternate which goes first, ratios are taken within a pair."""

from bench._paired import alternate, figure, pair_ratio


def test_pairs_alternate_which_side_runs_first():
    calls = []
    times = alternate(
        4,
        lambda: calls.append("reference") or {"reference": 1.0},
        lambda: calls.append("candidate") or {"first run": 2.0, "second run": 1.0},
    )
    assert calls == ["reference", "candidate", "candidate", "reference"] * 2
    assert times == {"reference": [1.0] * 4, "first run": [2.0] * 4, "second run": [1.0] * 4}


def test_ratio_is_the_median_of_the_pairs_ratios_not_the_ratio_of_medians():
    # a quiet pair, then two busy ones: the medians alone (4.0 / 2.0) would say 2×; within each pair it is 3×–4×
    times = {"floor": [1.0, 2.0, 4.0], "first run": [3.0, 8.0, 12.0]}
    assert pair_ratio(times, "first run", "floor") == 3.0
    row = figure(figure="job", value=8.0, reference="floor", reference_value=2.0, what="the floor",
                 ratio=pair_ratio(times, "first run", "floor"))
    assert row["ratio"] == "3.00× the floor"
    assert row["value"] == "8.00 s" and row["reference_value"] == "2.00 s"
    # without pair ratios (older recordings): the ratio of the two medians
    assert figure(figure="job", value=8.0, reference="floor", reference_value=2.0)["ratio"] == "4.00× the reference"


def test_a_job_against_its_floor_gives_two_rows_first_run_and_second_run(capsys):
    from bench._paired import first_run_against_floor, first_run_figures

    times = {"floor": [1.0, 2.0, 4.0], "first run": [3.0, 8.0, 12.0], "second run": [1.5, 4.0, 6.0]}
    median, ratio = first_run_against_floor(times, size="10 partners", load_before="0.50 0.50 0.50")
    assert "medians of 3 pairs, 10 partners" in capsys.readouterr().out
    rows = first_run_figures(job="credit_scoring_run", period="2026-10", size="10 partners",
                             floor="one INSERT … SELECT", median=median, ratio=ratio)
    assert [row["figure"] for row in rows] == ["credit_scoring_run 2026-10, first run, 10 partners",
                                               "credit_scoring_run, second run (idempotent), 10 partners"]
    assert rows[0]["ratio"] == "3.00× the floor" and rows[0]["reference"] == "write floor: one INSERT … SELECT"
    assert rows[1]["ratio"] == "0.50× the first run" and rows[1]["reference_value"] == "8.00 s"
