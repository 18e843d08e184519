"""Weights estimated from recorded time: minutes per client per month regressed on the model's
facts with the analysis engine (``insight.analysis.hierarchical_ols``, one block), with 95 % CIs,
R² in the training months and R² out of sample on the month after them.

The unit is the client: y is the client's mean recorded minutes per month over the training
months it was followed up in (the facts are the client's current ones, so a client-month unit
would count one client's months as independent and make the intervals too narrow)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from skreddersy.core import clock
from skreddersy.core.errors import InvalidInput

from .model import FACTOR_LABELS, FACTOR_NAMES

if TYPE_CHECKING:
    import numpy as np

TRAIN_MONTHS = 11  # a year of recorded time: 11 months to estimate, the 12th to test


@dataclass
class Weight:
    name: str
    label: str
    b: float | None  # None: not estimable (no client at the office has the fact, or it is collinear)
    ci_low: float | None = None
    ci_high: float | None = None
    p: float | None = None


@dataclass
class WeightEstimateResult:
    n: int
    n_test: int
    r2: float
    r2_out_of_sample: float | None
    train_from: str
    test_month: str
    weights: list[Weight] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def points(self) -> dict[str, float]:
        """The estimates as a points table (unestimable facts count 0)."""
        return {w.name: (w.b or 0.0) for w in self.weights}

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> WeightEstimateResult:
        d = dict(d)
        d["weights"] = [Weight(**w) for w in d.get("weights", [])]
        return cls(**d)


def fit_weights(
    x: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray | None = None,
    y_test: np.ndarray | None = None,
    *,
    names: list[str] | None = None,
    train_from: str = "",
    test_month: str = "",
) -> WeightEstimateResult:
    """OLS of y on the 0/1 facts in ``x`` (clients x factors) with the analysis engine."""
    import numpy as np  # loaded when weights are estimated, not at start-up (core/lazy.py)
    import pandas as pd

    from skreddersy.insight.analysis import AnalysisError, hierarchical_ols

    names = list(names or FACTOR_NAMES)
    x = np.asarray(x, dtype=float)
    y_train = np.asarray(y_train, dtype=float)
    if len(y_train) < len(names) + 10:
        raise InvalidInput(
            f"For lite registrert tid til å estimere vektene: {len(y_train)} brukere, trenger minst {len(names) + 10}."
        )
    sd = x.std(axis=0)
    keep = [j for j in range(x.shape[1]) if sd[j] > 0]
    # a fact nobody at the office has (or everybody has) cannot be estimated; it is reported, not guessed
    dropped = [names[j] for j in range(x.shape[1]) if j not in keep]
    frame = pd.DataFrame(x[:, keep], columns=[names[j] for j in keep])
    frame["minutes"] = y_train
    try:
        res = hierarchical_ols(frame, "minutes", [[names[j] for j in keep]])
    except AnalysisError as exc:
        raise InvalidInput(f"Vektene kan ikke estimeres: {exc.message}") from None
    blk = res.final
    by = {c.name: c for c in blk.coefficients}
    c0 = by["(Konstant)"]
    weights = [Weight("base", FACTOR_LABELS["base"], c0.b, c0.ci_low, c0.ci_high, c0.p)]
    for n in names:
        c = by.get(n)
        weights.append(
            Weight(n, FACTOR_LABELS.get(n, n), c.b, c.ci_low, c.ci_high, c.p)
            if c
            else Weight(n, FACTOR_LABELS.get(n, n), None)
        )
    r2_oos = None
    n_test = 0
    if x_test is not None and y_test is not None and len(y_test) > 1:
        beta = np.array([c0.b] + [by[names[j]].b for j in keep])
        pred = beta[0] + np.asarray(x_test, dtype=float)[:, keep] @ beta[1:]
        yt = np.asarray(y_test, dtype=float)
        sst = float(((yt - yt.mean()) ** 2).sum())
        r2_oos = (1.0 - float(((yt - pred) ** 2).sum()) / sst) if sst > 0 else None
        n_test = len(yt)
    return WeightEstimateResult(
        n=res.n,
        n_test=n_test,
        r2=blk.r2,
        r2_out_of_sample=r2_oos,
        train_from=train_from,
        test_month=test_month,
        weights=weights,
        dropped=dropped,
    )


def month_starts(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the ``count`` complete months before ``today``'s month, oldest first,
    plus the first day of today's month (the end of the last one)."""
    y, m = today.year, today.month
    out = [dt.date(y, m, 1)]
    for _ in range(count):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        out.append(dt.date(y, m, 1))
    return out[::-1]


def monthly_minutes(office_id: int | None, starts: list[dt.datetime], ids: np.ndarray) -> np.ndarray:
    """Recorded minutes (with client + documentation) per client (rows in the order of the sorted
    ``ids``) and month, one statement of conditional aggregation (no date functions, so both
    databases use the (office, at) index), read in chunks into one array."""
    import numpy as np  # loaded when weights are estimated, not at start-up (core/lazy.py)
    from django.db import connection

    from skreddersy.timeuse.models import TimeEntry

    table = connection.ops.quote_name(TimeEntry._meta.db_table)
    cols = ", ".join(
        "SUM(CASE WHEN at >= %s AND at < %s THEN minutes + documentation_minutes ELSE 0 END)" for _ in starts[:-1]
    )
    params: list = []
    for a, b in zip(starts[:-1], starts[1:], strict=False):
        params += [connection.ops.adapt_datetimefield_value(a), connection.ops.adapt_datetimefield_value(b)]
    where = "at >= %s AND at < %s"
    params += [
        connection.ops.adapt_datetimefield_value(starts[0]),
        connection.ops.adapt_datetimefield_value(starts[-1]),
    ]
    if office_id is not None:
        where = "office_id = %s AND " + where
        params.insert(len(params) - 2, office_id)
    out = np.zeros((len(ids), len(starts) - 1))
    with connection.cursor() as cur:
        cur.execute(f"SELECT client_id, {cols} FROM {table} WHERE {where} GROUP BY client_id", params)
        while rows := cur.fetchmany(20000):
            block = np.array(rows, dtype=float)
            pos = np.searchsorted(ids, block[:, 0].astype(np.int64))
            ok = (pos < len(ids)) & (ids[np.minimum(pos, len(ids) - 1)] == block[:, 0].astype(np.int64))
            out[pos[ok]] = np.nan_to_num(block[ok, 1:])
    return out


def estimate_from_records(office_id: int | None, *, today: dt.date | None = None) -> WeightEstimateResult:
    """Build the client frame from the database and fit (office, or nationally for None)."""
    import numpy as np  # loaded when weights are estimated, not at start-up (core/lazy.py)
    from django.utils import timezone

    from .facts import office_facts

    today = today or clock.today()
    now = clock.now()
    days = month_starts(today, TRAIN_MONTHS + 1)
    starts = [timezone.make_aware(dt.datetime.combine(d, dt.time())) for d in days]
    ids_l, x_l, first_l = office_facts(office_id, today=today, now=now, month_starts=starts, stream=True)
    ids = np.array(ids_l, dtype=np.int64)  # ordered by id
    x = np.array(x_l, dtype=np.int8).reshape(len(ids), len(FACTOR_NAMES))
    first = np.array(first_l, dtype=np.int64)
    del ids_l, x_l, first_l
    m = monthly_minutes(office_id, starts, ids)
    # a client counts from the first month it was followed up in; y is its mean over those months
    active = np.arange(TRAIN_MONTHS)[None, :] >= first[:, None]
    n_active = active.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        y_tr = np.where(n_active > 0, (m[:, :TRAIN_MONTHS] * active).sum(axis=1) / n_active, np.nan)
    y_te = np.where(first <= TRAIN_MONTHS, m[:, TRAIN_MONTHS], np.nan)
    del m, active
    train = ~np.isnan(y_tr)
    test = ~np.isnan(y_te)
    return fit_weights(
        x[train],
        y_tr[train],
        x[test],
        y_te[test],
        train_from=days[0].isoformat(),
        test_month=days[TRAIN_MONTHS].isoformat()[:7],
    )
