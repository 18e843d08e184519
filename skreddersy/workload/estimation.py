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

from django.utils.translation import gettext

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
        """For the JSON column: a label is stored as plain bokmål text (a factor's label is a lazy
        translation, which JSON cannot hold; pages show the label by the factor's name)."""
        from skreddersy.core.stored_text import bokmal

        d = asdict(self)
        for w in d["weights"]:
            w["label"] = bokmal(w["label"])
        return d

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
            gettext("For lite registrert tid til å estimere vektene: %(clients)s brukere, trenger minst %(needed)s.") % {"clients": len(y_train), "needed": len(names) + 10}
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
        raise InvalidInput(gettext("Vektene kan ikke estimeres: %(message)s") % {"message": exc.message}) from None
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


def _month_index(starts: list, lo: int, hi: int, params: list) -> str:
    """SQL for the index of the month ``at`` falls in (months lo..hi-1 of ``starts``), a binary
    search of nested CASEs: four comparisons a row instead of one range test per month."""
    if hi - lo == 1:
        return str(lo)
    mid = (lo + hi) // 2
    params.append(starts[mid])
    left = _month_index(starts, lo, mid, params)
    right = _month_index(starts, mid, hi, params)
    return f"CASE WHEN at < %s THEN {left} ELSE {right} END"


def monthly_minutes(office_id: int | None, starts: list[dt.datetime], ids: np.ndarray) -> np.ndarray:
    """Recorded minutes (with client + documentation) per client (rows in the order of the sorted
    ``ids``) and month: one statement grouped by client and month index (no date functions, so both
    databases use an index on the time), read in chunks of integers into one array."""
    import numpy as np  # loaded when weights are estimated, not at start-up (core/lazy.py)
    from django.db import connection

    from skreddersy.timeuse.models import TimeEntry

    table = connection.ops.quote_name(TimeEntry._meta.db_table)
    bounds = [connection.ops.adapt_datetimefield_value(s) for s in starts]
    params: list = []
    month = _month_index(bounds, 0, len(bounds) - 1, params)
    where = "at >= %s AND at < %s"
    source = table
    if office_id is not None:
        where = "office_id = %s AND " + where
        params.append(office_id)
    elif connection.vendor == "sqlite":
        # nationally, every client's minutes from the covering (client, at, minutes) index in client
        # order: no table row read. SQLite's planner otherwise skip-scans the (office, at) index and
        # reads each row from the table, three times slower; PostgreSQL chooses well itself.
        source = f"{table} INDEXED BY timeentry_client_at_min"
    params += [bounds[0], bounds[-1]]
    out = np.zeros((len(ids), len(starts) - 1))
    sql = (
        f"SELECT client_id, {month} AS month, SUM(minutes + documentation_minutes) FROM {source} "
        f"WHERE {where} GROUP BY client_id, month"
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)
        while rows := cur.fetchmany(50000):
            block = np.array(rows, dtype=np.int64)
            pos = np.searchsorted(ids, block[:, 0])
            ok = (pos < len(ids)) & (ids[np.minimum(pos, len(ids) - 1)] == block[:, 0])
            np.add.at(out, (pos[ok], block[ok, 1]), block[ok, 2])
    return out


def estimate_from_records(office_id: int | None, *, today: dt.date | None = None) -> WeightEstimateResult:
    """Build the client frame from the database and fit (office, or nationally for None)."""
    import numpy as np  # loaded when weights are estimated, not at start-up (core/lazy.py)
    from django.utils import timezone

    from .facts import fact_arrays

    today = today or clock.today()
    now = clock.now()
    days = month_starts(today, TRAIN_MONTHS + 1)
    starts = [timezone.make_aware(dt.datetime.combine(d, dt.time())) for d in days]
    ids, x, first = fact_arrays(office_id, today=today, now=now, month_starts=starts)  # ordered by id
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
