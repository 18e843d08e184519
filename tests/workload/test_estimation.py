"""The estimated weights recover known weights: synthetic monthly minutes generated from randomly
drawn true weights (not the defaults) and 0/1 facts; the engine's estimates and intervals are
checked against the truth and against an independent least-squares implementation."""

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from skreddersy.core.errors import InvalidInput
from skreddersy.workload.estimation import fit_weights
from skreddersy.workload.model import FACTOR_NAMES


def synthetic(seed: int, n: int = 1500, months: int = 11):
    rng = np.random.default_rng(seed)
    p = len(FACTOR_NAMES)
    true = np.concatenate([[rng.uniform(5, 60)], rng.uniform(-10, 80, size=p)])
    # one need group at most (one-hot), the rest independent facts with their own prevalence
    x = np.zeros((n, p))
    group = rng.integers(0, 5, size=n)
    for g in range(1, 5):
        x[group == g, g - 1] = 1
    for j in range(4, p):
        x[:, j] = rng.random(n) < rng.uniform(0.1, 0.5)
    mean = true[0] + x @ true[1:]
    # monthly minutes: the client's mean plus a client effect and month-to-month noise
    monthly = mean[:, None] + rng.normal(0, 15, size=(n, 1)) + rng.normal(0, 25, size=(n, months + 1))
    return true, x, monthly[:, :months].mean(axis=1), monthly[:, months]


def test_estimates_recover_random_true_weights_within_their_intervals():
    covered, total = 0, 0
    for seed in range(20):
        true, x, y, y_test = synthetic(seed)
        res = fit_weights(x, y, x, y_test)
        for w, t in zip(res.weights, true, strict=True):
            assert w.b is not None
            covered += w.ci_low <= t <= w.ci_high
            total += 1
            # a wide (99.99 %) interval holds the truth for every weight of every data set
            half = (w.ci_high - w.ci_low) / 2 * stats.norm.ppf(0.99995) / stats.norm.ppf(0.975)
            assert abs(w.b - t) <= half, (seed, w.name, w.b, t)
    # the 95 % intervals cover the truth about 95 % of the time (binomial bounds for 240 intervals)
    assert 0.90 <= covered / total <= 0.99


def test_engine_matches_statsmodels_and_plain_least_squares():
    _true, x, y, y_test = synthetic(99, n=400)
    res = fit_weights(x, y, x, y_test)
    fit = sm.OLS(y, sm.add_constant(x)).fit()
    ci = fit.conf_int(0.05)
    for j, w in enumerate(res.weights):
        assert w.b == pytest.approx(fit.params[j], rel=1e-9, abs=1e-9)
        assert (w.ci_low, w.ci_high) == pytest.approx(tuple(ci[j]), rel=1e-9)
    beta, *_ = np.linalg.lstsq(np.column_stack([np.ones(len(y)), x]), y, rcond=None)
    assert [w.b for w in res.weights] == pytest.approx(list(beta), rel=1e-8)
    pred = beta[0] + x @ beta[1:]
    r2_oos = 1 - ((y_test - pred) ** 2).sum() / ((y_test - y_test.mean()) ** 2).sum()
    assert res.r2_out_of_sample == pytest.approx(r2_oos, rel=1e-9)
    assert res.r2 == pytest.approx(fit.rsquared, rel=1e-9)


def test_a_fact_nobody_has_is_reported_not_guessed():
    _true, x, y, y_test = synthetic(3, n=300)
    x[:, FACTOR_NAMES.index("interpreter")] = 0
    res = fit_weights(x, y, x, y_test)
    assert "interpreter" in res.dropped
    assert next(w for w in res.weights if w.name == "interpreter").b is None


def test_too_little_data_is_a_clear_message():
    with pytest.raises(InvalidInput, match="For lite registrert tid"):
        fit_weights(np.zeros((5, len(FACTOR_NAMES))), np.ones(5))


@pytest.mark.django_db
def test_estimate_from_records_builds_the_frame_from_recorded_time(org):
    """Clients' monthly minutes from the database: a client counts from its first month, the last
    complete month is the test month; the fit equals fit_weights on the frame built by hand."""
    import datetime as dt

    from django.utils import timezone

    from skreddersy.clients.models import Client
    from skreddersy.timeuse.models import TimeEntry
    from skreddersy.workload.estimation import TRAIN_MONTHS, estimate_from_records, month_starts
    from tests import factories as f

    today = dt.date(2026, 12, 1)
    days = month_starts(today, TRAIN_MONTHS + 1)
    starts = [timezone.make_aware(dt.datetime.combine(d, dt.time())) for d in days]
    rng = np.random.default_rng(5)
    expected_x, expected_y, expected_test = [], [], []
    for i in range(40):
        group = ["", "SITUASJONSBESTEMT_INNSATS", "SPESIELT_TILPASSET_INNSATS"][i % 3]
        c = f.client(
            org["a"],
            org["counsellor"],
            need_group=group,
            needs_interpreter=bool(i % 4 == 0),
            manual_followup=bool(i % 5 == 0),
            immigrant_non_eea=bool(i % 2),
            birth_date=dt.date(1970, 1, 1),
        )
        first = 0 if i % 6 else 4  # some clients start in month 4
        Client.objects.filter(pk=c.pk).update(created_at=starts[first] + dt.timedelta(days=2))
        monthly = []
        for k in range(TRAIN_MONTHS + 1):
            mins = int(rng.integers(0, 200)) if k >= first else 0
            monthly.append(mins)
            if mins:
                TimeEntry.objects.create(
                    client_id=c.pk,
                    office=org["a"],
                    staff=org["counsellor"],
                    kind="meeting",
                    minutes=mins - mins // 3,
                    documentation_minutes=mins // 3,
                    at=starts[k] + dt.timedelta(days=3),
                )
        x = [
            1 if group == "SITUASJONSBESTEMT_INNSATS" else 0,
            1 if group == "SPESIELT_TILPASSET_INNSATS" else 0,
            0,
            0,
            0,
            0,
            int(i % 5 == 0),
            int(i % 4 == 0),
            0,
            int(i % 2),
            0,
        ]
        expected_x.append(x)
        expected_y.append(np.mean(monthly[first:TRAIN_MONTHS]))
        expected_test.append(monthly[TRAIN_MONTHS])
    res = estimate_from_records(org["a"].pk, today=today)
    ref = fit_weights(np.array(expected_x), np.array(expected_y), np.array(expected_x), np.array(expected_test))
    assert res.n == 40 and res.n_test == 40
    assert [w.b for w in res.weights] == [w.b for w in ref.weights]
    assert res.r2_out_of_sample == pytest.approx(ref.r2_out_of_sample)
