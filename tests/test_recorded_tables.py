"""The comparison with the recorded CI tables can fail: a tight number moved past its tolerance,
a changed verdict or label, a changed number inside a statistic's text; and a flexible model's
last-digit drift passes."""

import pytest
from workflow_helpers import RECORDED_TABLES, assert_tables_match

from augsim.workflow import io


@pytest.fixture(scope="module")
def recorded():
    return {
        name: io.read_table(RECORDED_TABLES / f"{name}.csv.gz") for name in ("summary", "claims")
    }


def test_a_table_matches_itself(recorded):
    for name, table in recorded.items():
        assert_tables_match(table.copy(), table, name)


def test_a_logistic_number_must_match_tightly(recorded):
    summary = recorded["summary"]
    changed = summary.copy()
    row = changed.index[changed["model"] == "logistic"][0]
    changed.loc[row, "mean"] *= 1 + 1e-7
    with pytest.raises(AssertionError):
        assert_tables_match(changed, summary, "summary")


def test_a_flexible_model_number_may_drift_in_its_last_digits(recorded):
    summary = recorded["summary"]
    changed = summary.copy()
    rows = changed["model"] == "mlp"
    changed.loc[rows, "mean"] *= 1 + 1e-7
    assert_tables_match(changed, summary, "summary")
    changed.loc[rows, "mean"] *= 1 + 1e-3
    with pytest.raises(AssertionError):
        assert_tables_match(changed, summary, "summary")


def test_a_verdict_or_a_number_in_a_statistic_must_match(recorded):
    claims = recorded["claims"]
    flipped = claims.copy()
    flipped.loc[0, "verdict"] = "fails" if claims.loc[0, "verdict"] != "fails" else "holds"
    with pytest.raises(AssertionError):
        assert_tables_match(flipped, claims, "claims")
    with_number = claims[claims["statistic"].str.contains(r"\d", na=False)].index[0]
    text = claims.copy()
    text.loc[with_number, "statistic"] = text.loc[with_number, "statistic"].replace("1", "7", 1)
    with pytest.raises(AssertionError):
        assert_tables_match(text, claims, "claims")
