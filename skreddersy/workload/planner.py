"""The caseload planner: which clients to move so that every counsellor is under their ceiling,
moving as few clients as possible, never breaking an access, office or language rule.

A mixed-integer programme solved by scipy's ``milp`` (HiGHS). Clients of one counsellor with the
same weight and the same set of allowed receivers are interchangeable, so the variables are
integers "how many of this kind go from A to B", not one binary per client and counsellor; that
keeps an office of 5,000 clients and 60 counsellors small. The objective is the number of clients
moved. Counsellors under their ceiling give clients away only in the full model (chains of moves),
which is used whenever the problem is small enough to prove optimal quickly or the restricted
model (moves only away from counsellors over their ceiling) finds no plan.

Pure functions over dataclasses; the selector builds the inputs and the service commits."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext

from skreddersy.policy.access import protection_refusal

from .model import minutes_per_month_to_hours_per_week

NORWEGIAN = frozenset({"", "nb", "nn", "no"})
FULL_MODEL_LIMIT = 40_000  # client x counsellor pairs up to which the full model is solved directly
TIME_LIMIT = 8.0  # seconds for HiGHS


@dataclass(frozen=True)
class PlanCounsellor:
    id: int
    name: str
    capacity: float  # minutes per month of caseload under the ceiling (ceiling minus fixed duties)
    kode6: bool = False
    kode7: bool = False
    skjermet: bool = False
    languages: frozenset = frozenset()


@dataclass(frozen=True)
class PlanClient:
    id: int
    counsellor_id: int
    weight: int  # minutes per month
    address_protection: str = ""
    skjermet: bool = False
    language: str = "nb"
    needs_interpreter: bool = False


@dataclass(frozen=True)
class Move:
    client_id: int
    from_id: int
    to_id: int
    weight: int
    reason: str


@dataclass
class Plan:
    feasible: bool
    moves: list[Move] = field(default_factory=list)
    message: str = ""  # why no plan exists (the constraint that cannot be met)
    optimal: bool = True
    before: dict[int, float] = field(default_factory=dict)  # counsellor -> caseload minutes per month
    after: dict[int, float] = field(default_factory=dict)


def refusal(counsellor: PlanCounsellor, client: PlanClient) -> str | None:
    """The rule a move of ``client`` to ``counsellor`` would break, or None. Access (address
    protection, skjerming) is the access policy's; language is the planner's own: a client who
    speaks neither Norwegian language and has no interpreter stays with someone who speaks theirs."""
    why = protection_refusal(
        kode6=counsellor.kode6,
        kode7=counsellor.kode7,
        skjermet_clearance=counsellor.skjermet,
        address_protection=client.address_protection,
        skjermet=client.skjermet,
    )
    if why:
        return why
    lang = (client.language or "").lower()
    if lang not in NORWEGIAN and not client.needs_interpreter and lang not in counsellor.languages:
        return f"brukeren snakker {lang} og har ikke tolk; veilederen snakker ikke {lang}"
    return None


def loads(counsellors: list[PlanCounsellor], clients: list[PlanClient]) -> dict[int, float]:
    out = {c.id: 0.0 for c in counsellors}
    for cl in clients:
        if cl.counsellor_id in out:
            out[cl.counsellor_id] += cl.weight
    return out


def _hours(minutes: float) -> str:
    return f"{minutes_per_month_to_hours_per_week(minutes):.1f}".replace(".", ",")


def _solve(counsellors, clients, *, full: bool, ignore: frozenset = frozenset(), time_limit: float = TIME_LIMIT):
    """Returns (status, moves as {(class index, to): count}, classes) with status 'ok', 'limit' or 'infeasible'."""
    import numpy as np  # the analysis stack loads only when a plan is computed (core/lazy.py)
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    idx = {c.id: i for i, c in enumerate(counsellors)}
    load = loads(counsellors, clients)
    over = {c.id for c in counsellors if load[c.id] > c.capacity + 1e-9}
    # classes: (from, weight, allowed receivers) -> client ids
    groups: dict[tuple, list[int]] = defaultdict(list)
    for cl in clients:
        if not full and cl.counsellor_id not in over:
            continue
        allowed = tuple(
            k.id for k in counsellors if k.id != cl.counsellor_id and (("rules" in ignore) or _allowed(k, cl, ignore))
        )
        if allowed:
            groups[(cl.counsellor_id, cl.weight, allowed)].append(cl.id)
    classes = list(groups.items())
    cols = []  # (class index, to)
    for ci, ((_frm, _w, allowed), _members) in enumerate(classes):
        for t in allowed:
            cols.append((ci, t))
    n_k, n_c, n_v = len(counsellors), len(classes), len(cols)
    if n_v == 0:
        return ("ok" if not over else "infeasible"), {}, classes
    rows, colv, vals = [], [], []
    for j, (ci, t) in enumerate(cols):
        (frm, w, _targets), _ids = classes[ci]
        rows += [idx[t], idx[frm], n_k + ci]
        colv += [j, j, j]
        vals += [w, -w, 1.0]
    a = coo_matrix((vals, (rows, colv)), shape=(n_k + n_c, n_v)).tocsr()
    ub = np.array(
        [counsellors[i].capacity - load[counsellors[i].id] for i in range(n_k)] + [len(ids) for (_key, ids) in classes],
        dtype=float,
    )
    lb = np.full(n_k + n_c, -np.inf)
    upper = np.array([len(classes[ci][1]) for ci, _t in cols], dtype=float)
    res = milp(
        np.ones(n_v),
        constraints=LinearConstraint(a, lb, ub),
        integrality=np.ones(n_v),
        bounds=Bounds(np.zeros(n_v), upper),
        options={"time_limit": time_limit, "disp": False},
    )
    if res.x is None:
        return ("infeasible" if res.status == 2 else "limit"), {}, classes
    counts = {cols[j]: int(round(v)) for j, v in enumerate(res.x) if round(v) > 0}
    return ("ok" if res.status == 0 else "limit"), counts, classes


BUCKET = 10  # minutes per month: clients within one bucket count as interchangeable in the large model


def _solve_flow(counsellors, clients, *, ignore: frozenset = frozenset(), time_limit: float = TIME_LIMIT):
    """The large-office model: only counsellors over their ceiling give clients away, only
    counsellors with room receive. Clients are pooled by weight bucket and by the set of allowed
    receivers; variables are "how many leave A from this pool" and "how many of this pool go to B"
    (a flow through the pool), which keeps 5,000 clients and 60 counsellors at a few thousand
    variables. Weights count conservatively (the lightest of a class when leaving, the heaviest of
    a pool when arriving), so the plan holds for the real weights.
    Returns (status, [(client, from, to, weight)])."""
    import numpy as np  # the analysis stack loads only when a plan is computed (core/lazy.py)
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    load = loads(counsellors, clients)
    over = [k for k in counsellors if load[k.id] > k.capacity + 1e-9]
    over_ids = {k.id for k in over}
    receivers = [k for k in counsellors if k.id not in over_ids and k.capacity - load[k.id] > 0]
    classes: dict[tuple, list[PlanClient]] = defaultdict(list)
    for cl in clients:
        if cl.counsellor_id not in over_ids:
            continue
        sig = tuple(k.id for k in receivers if _allowed(k, cl, ignore))
        if sig:
            classes[(cl.counsellor_id, cl.weight // BUCKET, sig)].append(cl)
    if any(not any(key[0] == k.id for key in classes) for k in over):
        return "infeasible", []
    pools: dict[tuple, int] = {}
    for (_s, b, sig), members in classes.items():
        pools[(b, sig)] = max(pools.get((b, sig), 0), max(cl.weight for cl in members))
    class_keys = list(classes)
    pool_keys = list(pools)
    y_cols = [(pk, r) for pk in pool_keys for r in pk[1]]
    n_out, n_y = len(class_keys), len(y_cols)
    row_of = {k.id: i for i, k in enumerate(over)}
    recv_row = {k.id: len(over) + i for i, k in enumerate(receivers)}
    pool_row = {pk: len(over) + len(receivers) + i for i, pk in enumerate(pool_keys)}
    rows, cols, vals = [], [], []
    for j, key in enumerate(class_keys):
        s_id, b, sig = key
        rows += [row_of[s_id], pool_row[(b, sig)]]
        cols += [j, j]
        vals += [-float(min(cl.weight for cl in classes[key])), -1.0]
    for j, (pk, r) in enumerate(y_cols):
        rows += [recv_row[r], pool_row[pk]]
        cols += [n_out + j, n_out + j]
        vals += [float(pools[pk]), 1.0]
    n_rows = len(over) + len(receivers) + len(pool_keys)
    a = coo_matrix((vals, (rows, cols)), shape=(n_rows, n_out + n_y)).tocsr()
    ub = np.array(
        [k.capacity - load[k.id] for k in over] + [k.capacity - load[k.id] for k in receivers] + [0.0] * len(pool_keys)
    )
    lb = np.concatenate([np.full(len(over) + len(receivers), -np.inf), np.zeros(len(pool_keys))])
    pool_size: dict[tuple, int] = defaultdict(int)
    for (_s, b, sig), members in classes.items():
        pool_size[(b, sig)] += len(members)
    upper = np.array([len(classes[key]) for key in class_keys] + [pool_size[pk] for pk, _r in y_cols], dtype=float)
    c = np.concatenate([np.ones(n_out), np.zeros(n_y)])
    res = milp(
        c,
        constraints=LinearConstraint(a, lb, ub),
        integrality=np.ones(n_out + n_y),
        bounds=Bounds(np.zeros(n_out + n_y), upper),
        options={"time_limit": time_limit, "disp": False},
    )
    if res.x is None:
        return ("infeasible" if res.status == 2 else "limit"), []
    x = np.round(res.x).astype(int)
    leaving: dict[tuple, list[PlanClient]] = defaultdict(list)
    for j, key in enumerate(class_keys):
        if x[j] > 0:
            heaviest = sorted(classes[key], key=lambda cl: (-cl.weight, cl.id))[: x[j]]
            leaving[(key[1], key[2])].extend(heaviest)
    moves = []
    for j, (pk, r) in enumerate(y_cols):
        for _ in range(x[n_out + j]):
            cl = leaving[pk].pop()
            moves.append((cl.id, cl.counsellor_id, r, cl.weight))
    return ("ok" if res.status == 0 else "limit"), moves


def _allowed(k: PlanCounsellor, cl: PlanClient, ignore: frozenset) -> bool:
    why = refusal(k, cl)
    if why is None:
        return True
    if "language" in ignore and why.startswith("brukeren snakker"):
        return (
            refusal(k, PlanClient(cl.id, cl.counsellor_id, cl.weight, cl.address_protection, cl.skjermet, "nb", True))
            is None
        )
    if "protection" in ignore and not why.startswith("brukeren snakker"):
        return (
            refusal(k, PlanClient(cl.id, cl.counsellor_id, cl.weight, "", False, cl.language, cl.needs_interpreter))
            is None
        )
    return False


def _diagnose(counsellors, clients, full_tried: bool) -> str:
    load = loads(counsellors, clients)
    total, cap = sum(load.values()), sum(c.capacity for c in counsellors)
    if total > cap + 1e-9:
        return (
            f"Ingen plan er mulig: kontoret har samlet {_hours(total)} t/uke brukerarbeid, men takene gir bare plass til "
            f"{_hours(cap)} t/uke. Tilfør kapasitet (flere veiledere, færre faste oppgaver) før brukere flyttes."
        )
    names = {c.id: c.name for c in counsellors}
    for k in counsellors:
        excess = load[k.id] - k.capacity
        if excess <= 1e-9:
            continue
        mine = [cl for cl in clients if cl.counsellor_id == k.id]
        movable = sum(cl.weight for cl in mine if any(o.id != k.id and refusal(o, cl) is None for o in counsellors))
        if movable < excess:
            reasons = sorted({r for cl in mine for o in counsellors if o.id != k.id and (r := refusal(o, cl))})
            return (
                f"Ingen plan er mulig: {names[k.id]} ligger {_hours(excess)} t/uke over taket, men bare {_hours(movable)} t/uke "
                f"av brukerne kan flyttes til kolleger ({'; '.join(reasons)})."
            )
    for relaxed, label in (
        ("language", "språkkravet (brukere uten tolk må ha en veileder som snakker språket deres)"),
        ("protection", "kravet om klarering for adressebeskyttede og skjermede brukere"),
    ):
        if full_tried:
            status = _solve(counsellors, clients, full=True, ignore=frozenset({relaxed}), time_limit=3.0)[0]
        else:
            status = _solve_flow(counsellors, clients, ignore=frozenset({relaxed}), time_limit=3.0)[0]
        if status == "ok":
            return (
                f"Ingen plan er mulig som følger {label}: for få veiledere som oppfyller det, har plass under taket. "
                "Uten det kravet ville en plan finnes, men kravet kan ikke fravikes."
            )
    return (
        "Ingen plan er mulig: brukerne på veiledere over taket er for tunge til å få plass hos kollegene "
        "uten at noen andre havner over sitt tak."
    )


def suggest(counsellors: list[PlanCounsellor], clients: list[PlanClient], *, time_limit: float = TIME_LIMIT) -> Plan:
    """The fewest moves that bring every counsellor under their capacity, with a reason for each."""
    before = loads(counsellors, clients)
    if all(before[c.id] <= c.capacity + 1e-9 for c in counsellors):
        return Plan(True, [], "Alle veiledere er allerede under taket.", True, before, dict(before))
    full = len(clients) * len(counsellors) <= FULL_MODEL_LIMIT
    if full:
        status, counts, classes = _solve(counsellors, clients, full=True, time_limit=time_limit)
        moves = []
        for (ci, t), n in sorted(counts.items()):
            (frm, w, _targets), ids = classes[ci]
            moves += [(cid, frm, t, w) for cid in sorted(ids)[:n]]
    else:
        status, moves = _solve_flow(counsellors, clients, time_limit=time_limit)
    if status != "ok" and not moves:
        if status == "limit":
            return Plan(
                False,
                [],
                "Løseren fant ingen plan innen tidsgrensen. Prøv igjen, eller flytt noen brukere for hånd først.",
                False,
                before,
                dict(before),
            )
        return Plan(False, [], _diagnose(counsellors, clients, full), True, before, dict(before))
    by_id = {c.id: c for c in counsellors}
    client_by_id = {cl.id: cl for cl in clients}
    after = dict(before)
    for _cid, frm, t, w in moves:
        after[frm] -= w
        after[t] += w
    out = []
    for cid, frm, t, w in moves:
        a, b = by_id[frm], by_id[t]
        cl = client_by_id[cid]
        if before[frm] > a.capacity + 1e-9:
            why = f"{a.name} ligger {_hours(before[frm] - a.capacity)} t/uke over taket"
        else:
            why = f"gir {a.name} plass til en bruker som bare kan flyttes dit"
        extra = []
        if cl.address_protection or cl.skjermet:
            extra.append(f"{b.name} har klareringen brukeren krever")
        if (cl.language or "") not in NORWEGIAN and not cl.needs_interpreter:
            extra.append(f"{b.name} snakker {cl.language}")
        text = (
            f"{why}; brukeren veier {_hours(w)} t/uke, og {b.name} er etter planen {_hours(max(0.0, b.capacity - after[t]))} "
            f"t/uke under sitt tak"
        )
        out.append(Move(cid, frm, t, w, text + ("; " + "; ".join(extra) if extra else "") + "."))
    return Plan(True, out, "", status == "ok", before, after)


def check_moves(
    counsellors: list[PlanCounsellor], clients: list[PlanClient], moves: list[tuple[int, int]]
) -> dict[str, str]:
    """Field errors for moves given by hand ((client id, to counsellor id)): unknown client or
    counsellor, a client moved twice, a move that breaks a rule. Empty: all moves allowed."""
    by_id = {c.id: c for c in counsellors}
    client_by_id = {cl.id: cl for cl in clients}
    errors, seen = {}, set()
    for cid, to in moves:
        key = f"move-{cid}"
        cl = client_by_id.get(cid)
        if cl is None:
            errors[key] = gettext("Bruker %(client)s følges ikke opp ved dette kontoret.") % {"client": cid}
        elif to not in by_id:
            errors[key] = gettext("Veileder %(counsellor)s arbeider ikke ved dette kontoret.") % {"counsellor": to}
        elif cid in seen:
            errors[key] = gettext("Bruker %(client)s er flyttet to ganger i planen.") % {"client": cid}
        elif (why := refusal(by_id[to], cl)) is not None:
            errors[key] = gettext("Bruker %(client)s kan ikke flyttes til %(name)s: %(why)s.") % {"client": cid, "name": by_id[to].name, "why": why}
        seen.add(cid)
    return errors


def apply(counsellors, clients, moves: list[tuple[int, int]]) -> dict[int, float]:
    """Loads after the moves (assumed checked)."""
    moved = dict(moves)
    return loads(counsellors, [PlanClient(cl.id, moved.get(cl.id, cl.counsellor_id), cl.weight) for cl in clients])
