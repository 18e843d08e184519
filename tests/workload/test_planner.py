"""The caseload planner: never a move that breaks a rule (property-based), everyone under the
ceiling after the plan, the fewest moves (against brute force on small cases), and a message
naming the constraint when no plan exists."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from skreddersy.workload.planner import PlanClient, PlanCounsellor, check_moves, loads, refusal, suggest

PROTECTIONS = ["", "", "", "confidential", "strictly_confidential"]
LANGS = ["nb", "nb", "nb", "pl", "ar"]


@st.composite
def offices(draw, max_counsellors=5, max_clients=9):
    n_k = draw(st.integers(2, max_counsellors))
    counsellors = [
        PlanCounsellor(
            i + 1,
            f"V{i + 1}",
            draw(st.integers(0, 300)),
            kode6=draw(st.booleans()),
            kode7=draw(st.booleans()),
            skjermet=draw(st.booleans()),
            languages=frozenset(draw(st.sets(st.sampled_from(["pl", "ar"])))),
        )
        for i in range(n_k)
    ]
    n_c = draw(st.integers(1, max_clients))
    clients = []
    for j in range(n_c):
        holder = draw(st.sampled_from(counsellors))
        clients.append(
            PlanClient(
                100 + j,
                holder.id,
                draw(st.integers(10, 150)),
                draw(st.sampled_from(PROTECTIONS)),
                draw(st.booleans()),
                draw(st.sampled_from(LANGS)),
                draw(st.booleans()),
            )
        )
    return counsellors, clients


def brute_force(counsellors, clients):
    """The fewest moves over every assignment that keeps the rules and the capacities (or None)."""
    options = []
    for cl in clients:
        opts = [cl.counsellor_id] + [k.id for k in counsellors if k.id != cl.counsellor_id and refusal(k, cl) is None]
        options.append(opts)
    best = None
    cap = {k.id: k.capacity for k in counsellors}
    for choice in itertools.product(*options):
        moves = sum(1 for cl, to in zip(clients, choice, strict=True) if to != cl.counsellor_id)
        if best is not None and moves >= best:
            continue
        load = dict.fromkeys(cap, 0)
        for cl, to in zip(clients, choice, strict=True):
            load[to] += cl.weight
        if all(load[k] <= cap[k] for k in cap):
            best = moves
    return best


@settings(max_examples=150, deadline=None)
@given(offices())
def test_plan_never_breaks_a_rule_and_brings_everyone_under_the_ceiling(office):
    counsellors, clients = office
    plan = suggest(counsellors, clients)
    if not plan.feasible:
        assert plan.message.startswith("Ingen plan er mulig") or "tidsgrensen" in plan.message
        return
    by_id = {k.id: k for k in counsellors}
    client_by_id = {cl.id: cl for cl in clients}
    assert check_moves(counsellors, clients, [(m.client_id, m.to_id) for m in plan.moves]) == {}
    for m in plan.moves:
        assert refusal(by_id[m.to_id], client_by_id[m.client_id]) is None
        assert m.reason
        assert m.from_id == client_by_id[m.client_id].counsellor_id != m.to_id
    moved = {m.client_id: m.to_id for m in plan.moves}
    after = loads(counsellors, [PlanClient(cl.id, moved.get(cl.id, cl.counsellor_id), cl.weight) for cl in clients])
    assert all(after[k.id] <= k.capacity + 1e-9 for k in counsellors)


@settings(max_examples=120, deadline=None)
@given(offices(max_counsellors=4, max_clients=7))
def test_plan_moves_as_few_clients_as_brute_force(office):
    counsellors, clients = office
    plan = suggest(counsellors, clients)
    best = brute_force(counsellors, clients)
    if best is None:
        assert not plan.feasible
    else:
        assert plan.feasible
        assert len(plan.moves) == best


def test_hand_built_case_moves_the_one_heavy_client_not_two_light_ones():
    a, b = PlanCounsellor(1, "Anne", 100), PlanCounsellor(2, "Bjørn", 100)
    clients = [PlanClient(10, 1, 60), PlanClient(11, 1, 30), PlanClient(12, 1, 30), PlanClient(13, 2, 20)]
    plan = suggest([a, b], clients)
    assert [(m.client_id, m.to_id) for m in plan.moves] == [(10, 2)]
    assert "Anne ligger" in plan.moves[0].reason


def test_a_protected_client_goes_only_to_a_cleared_colleague_even_if_another_has_more_room():
    a = PlanCounsellor(1, "Anne", 50, kode6=True)
    b = PlanCounsellor(2, "Bjørn", 500)
    c = PlanCounsellor(3, "Cecilie", 60, kode6=True)
    clients = [PlanClient(10, 1, 40, "strictly_confidential"), PlanClient(11, 1, 40, "strictly_confidential")]
    plan = suggest([a, b, c], clients)
    assert [(m.client_id, m.to_id) for m in plan.moves] == [(10, 3)]
    assert "klareringen" in plan.moves[0].reason


def test_infeasible_names_the_constraint():
    a, b = PlanCounsellor(1, "Anne", 50), PlanCounsellor(2, "Bjørn", 40)
    over = suggest([a, b], [PlanClient(10, 1, 60), PlanClient(11, 2, 40)])
    assert not over.feasible and "takene gir bare plass" in over.message
    # room exists, but only with a counsellor who lacks the clearance
    a6, b0 = PlanCounsellor(1, "Anne", 50, kode6=True), PlanCounsellor(2, "Bjørn", 400)
    prot = suggest([a6, b0], [PlanClient(10, 1, 60, "strictly_confidential")])
    assert not prot.feasible and "kode 6" in prot.message
    # the language rule: the Polish-speaking client without an interpreter, no Polish-speaking colleague with room
    ap, bn = PlanCounsellor(1, "Anne", 50, languages=frozenset({"pl"})), PlanCounsellor(2, "Bjørn", 400)
    lang = suggest([ap, bn], [PlanClient(10, 1, 40, language="pl"), PlanClient(11, 1, 40, language="pl")])
    assert not lang.feasible and "pl" in lang.message


def test_manual_moves_that_break_a_rule_are_named():
    a, b = PlanCounsellor(1, "Anne", 100, kode7=True), PlanCounsellor(2, "Bjørn", 100)
    clients = [PlanClient(10, 1, 30, "confidential"), PlanClient(11, 1, 30)]
    errors = check_moves([a, b], clients, [(10, 2), (11, 2), (99, 2), (11, 7)])
    assert "kode 7" in errors["move-10"]
    assert "følges ikke opp" in errors["move-99"]
    assert "arbeider ikke" in errors["move-11"]


@settings(max_examples=150, deadline=None)
@given(offices(max_counsellors=6, max_clients=14))
def test_the_large_office_model_never_breaks_a_rule_either(office):
    """Above FULL_MODEL_LIMIT the pooled flow model is used (conservative weights, moves only away
    from counsellors over the ceiling): its plans keep every rule and every ceiling too, and never
    beat the exact optimum (it may find no plan where only a chain of moves or an exact fit would do)."""
    import skreddersy.workload.planner as planner_module

    counsellors, clients = office
    exact = suggest(counsellors, clients)
    old = planner_module.FULL_MODEL_LIMIT
    planner_module.FULL_MODEL_LIMIT = 0
    try:
        plan = suggest(counsellors, clients)
    finally:
        planner_module.FULL_MODEL_LIMIT = old
    if not plan.feasible:
        assert plan.message
        return
    assert exact.feasible
    client_by_id = {cl.id: cl for cl in clients}
    by_id = {k.id: k for k in counsellors}
    assert all(refusal(by_id[m.to_id], client_by_id[m.client_id]) is None for m in plan.moves)
    assert len({m.client_id for m in plan.moves}) == len(plan.moves)
    moved = {m.client_id: m.to_id for m in plan.moves}
    after = loads(counsellors, [PlanClient(cl.id, moved.get(cl.id, cl.counsellor_id), cl.weight) for cl in clients])
    assert all(after[k.id] <= k.capacity + 1e-9 for k in counsellors)
    assert len(plan.moves) >= len(exact.moves)
