"""The learned generator (ForestDiffusion's forest flow): its seeding through the study's streams
and not NumPy's global state, its rows, and its prefixes."""

# ruff: noqa: NPY002  (the legacy global state is what these tests disturb and inspect)

import subprocess
import sys

import numpy as np
import pytest
from test_generators import TINY_FOREST_FLOW
from test_oversamplers import energy_distance_pvalue

from augsim.generators.registry import make_generator
from augsim.metrics import distance
from augsim.sources.dgps import make_dgp
from augsim.study.seeds import rng_for

HETERO = make_dgp("gaussian_hetero", dim=3, mean=[1.0, 1.0, 0.0], spread=2.0)


def _minority(n=60, seed=0):
    return HETERO.sample_class(1, n, rng_for(seed, "minority"))


def _draw(seed=0, m=40, **params):
    generator = make_generator("forest_flow", **(TINY_FOREST_FLOW | params))
    return generator.fit(_minority(), rng_for(seed, "fit")).sample(m, rng_for(seed, "draw"))


def test_the_same_stream_gives_the_same_rows_whatever_the_global_state():
    np.random.seed(1)
    first = _draw()
    np.random.seed(2)
    np.random.normal(size=17)
    assert np.array_equal(_draw(), first)
    assert not np.array_equal(_draw(seed=1), first)


def test_the_global_state_is_left_as_it_was():
    np.random.seed(5)
    before = np.random.get_state()
    _draw()
    after = np.random.get_state()
    assert all(np.array_equal(a, b) for a, b in zip(before[1:], after[1:], strict=True))


def test_other_generators_draw_the_same_rows_around_it():
    smote = make_generator("smote", k_neighbors=3).fit(_minority(), rng_for(0, "fit"))
    alone = smote.sample(30, rng_for(0, "draw"))
    _draw()
    assert np.array_equal(smote.sample(30, rng_for(0, "draw")), alone)


def test_the_rows_lie_within_the_minority_rows_range():
    rows, X = _draw(m=500), _minority()
    assert np.all(rows >= X.min(axis=0) - 1e-12) and np.all(rows <= X.max(axis=0) + 1e-12)


def test_more_noise_levels_come_closer_to_the_truth():
    # the library's own quality knob moves the study's distance the right way (a coarse check)
    truth = HETERO.components(1)
    width2 = distance.kernel_width(truth)
    coarse = _draw(m=600, n_t=2, n_estimators=1, max_depth=1)
    fine = _draw(m=600, n_t=10, duplicate_K=10, n_estimators=20, max_depth=4)
    assert distance.mmd_squared_to_mixture(fine, truth, width2) < distance.mmd_squared_to_mixture(
        coarse, truth, width2
    )


def test_a_prefix_of_one_draw_is_a_draw_of_its_size():
    generator = make_generator("forest_flow", **TINY_FOREST_FLOW)
    generator.fit(_minority(), rng_for(0, "fit"))
    prefix = np.vstack([generator.sample(600, rng_for(s, "large"))[:100] for s in range(3)])
    direct = np.vstack([generator.sample(100, rng_for(s, "direct")) for s in range(3)])
    assert energy_distance_pvalue(prefix, direct) > 0.01


@pytest.mark.parametrize(
    ("params", "message"),
    [({"n_t": 1}, "n_t"), ({"duplicate_K": 0}, "duplicate_K"),
     ({"diffusion_type": "ddpm"}, "diffusion_type must be one of flow, vp"),
     ({"diffusion_type": "vp", "n_t": 8}, "'vp' needs n_t > 8")],
)  # fmt: skip
def test_bad_params_name_the_parameter(params, message):
    with pytest.raises(ValueError, match=message):
        make_generator("forest_flow", **params)


def test_the_diffusion_variant_draws_too():
    rows = _draw(diffusion_type="vp", n_t=9)
    assert rows.shape == (40, 3) and np.all(np.isfinite(rows))


def test_importing_the_generators_does_not_import_forest_diffusion():
    code = (
        "import sys, augsim.generators.learned, augsim.generators.registry\n"
        "assert 'ForestDiffusion' not in sys.modules and 'xgboost' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
