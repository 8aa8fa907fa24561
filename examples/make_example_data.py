"""Write examples/data/loans.csv: a small made-up table of loans, some of them defaulted.

The example of a user's own data file (config/example.yaml and the CI study use it): 1,200
loans, about 1 in 12 defaulted (the minority class), with numeric columns and one categorical
column (the region). The defaults depend on the columns through a logistic model with an
interaction, so no linear score is the Bayes score, as in real data. Fixed seed: running it again
writes the same bytes.

    python examples/make_example_data.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ROWS = 1200
SEED = 20261206
OUTPUT = Path(__file__).resolve().parent / "data" / "loans.csv"
REGIONS = {"north": -0.4, "south": 0.3, "east": 0.0, "west": 0.6}


def make_loans(rows: int = ROWS, seed: int = SEED) -> pd.DataFrame:
    """The table: income, debt ratio, years employed, amount, region and ``default`` (yes/no)."""
    rng = np.random.default_rng(seed)
    region = rng.choice(list(REGIONS), size=rows, p=[0.4, 0.3, 0.2, 0.1])
    income = np.round(rng.lognormal(mean=10.5, sigma=0.4, size=rows), -2)
    debt_ratio = np.round(rng.beta(2.0, 5.0, size=rows), 3)
    years = rng.poisson(6.0, size=rows)
    amount = np.round(rng.gamma(2.0, 6000.0, size=rows), -2)
    log_odds = (
        -3.6 + 4.0 * debt_ratio - 0.8 * (np.log(income) - 10.5) - 0.08 * years
        + 1.5 * debt_ratio * (amount > 15000) + pd.Series(region).map(REGIONS).to_numpy()
    )  # fmt: skip
    default = rng.random(rows) < 1.0 / (1.0 + np.exp(-log_odds))
    return pd.DataFrame(
        {
            "income": income,
            "debt_ratio": debt_ratio,
            "years_employed": years,
            "amount": amount,
            "region": region,
            "default": np.where(default, "yes", "no"),
        }
    )


if __name__ == "__main__":
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    table = make_loans()
    table.to_csv(OUTPUT, index=False)
    print(f"wrote {OUTPUT}: {len(table)} rows, {int((table['default'] == 'yes').sum())} defaults")
