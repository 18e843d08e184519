"""Eligibility rules: need group, age, priority group, place (office served) and open for referral.
Property-based: every combination of facts gives exactly the reasons for the rules it breaks,
and the vectorised matcher agrees with the pure rules."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.measures import eligibility as el
from skreddersy.measures import matching
from skreddersy.measures.models import NEED_GROUP_ORDER, PRIORITY_GROUP_ORDER

groups = st.sampled_from(NEED_GROUP_ORDER + [""])
prios = st.frozensets(st.sampled_from(PRIORITY_GROUP_ORDER))
ages = st.integers(min_value=15, max_value=80)
opt_age = st.one_of(st.none(), st.integers(min_value=15, max_value=80))
offices = st.frozensets(st.integers(min_value=1, max_value=6))


@st.composite
def offering_facts(draw):
    lo, hi = draw(opt_age), draw(opt_age)
    if lo is not None and hi is not None and hi < lo:
        lo, hi = hi, lo
    return el.OfferingFacts(
        eligible_groups=draw(st.frozensets(st.sampled_from(NEED_GROUP_ORDER), min_size=1)), min_age=lo, max_age=hi,
        priority_groups=draw(prios), office_ids=draw(offices), is_open=draw(st.booleans()),
    )


@st.composite
def client_facts(draw):
    return el.ClientFacts(need_group=draw(groups), age=draw(ages), priority_groups=draw(prios),
                          office_id=draw(st.integers(min_value=1, max_value=6)), office_name="Nav Test")


def expected_failures(c, o):
    failed = []
    if not c.need_group or c.need_group not in o.eligible_groups:
        failed.append("need_group")
    if (o.min_age is not None and c.age < o.min_age) or (o.max_age is not None and c.age > o.max_age):
        failed.append("age")
    if o.priority_groups and not (o.priority_groups & c.priority_groups):
        failed.append("priority_group")
    if c.office_id not in o.office_ids:
        failed.append("place")
    if not o.is_open:
        failed.append("open")
    return failed


@given(client_facts(), offering_facts())
def test_eligible_exactly_when_every_rule_holds_and_each_broken_rule_gives_a_norwegian_reason(c, o):
    result = el.check(c, o)
    failed = expected_failures(c, o)
    assert list(result.failed) == failed
    assert result.eligible is (not failed)
    assert bool(result) is (not failed)
    assert len(result.reasons) == len(failed)
    assert all(isinstance(r, str) and r.endswith(".") for r in result.reasons)


@given(client_facts(), offering_facts(), st.integers(min_value=1, max_value=6))
def test_serving_one_more_office_never_makes_a_client_ineligible(c, o, extra_office):
    wider = el.OfferingFacts(o.eligible_groups, o.min_age, o.max_age, o.priority_groups, o.office_ids | {extra_office}, o.is_open)
    if el.check(c, o):
        assert el.check(c, wider)


@given(client_facts(), offering_facts())
def test_an_offering_open_to_all_priority_groups_never_rejects_for_priority_group(c, o):
    open_to_all = el.OfferingFacts(o.eligible_groups, o.min_age, o.max_age, frozenset(), o.office_ids, o.is_open)
    assert "priority_group" not in el.check(c, open_to_all).failed


def test_reasons_name_the_problem_in_norwegian():
    o = el.OfferingFacts(eligible_groups=frozenset({"VARIG_TILPASSET_INNSATS"}), min_age=18, max_age=29,
                         priority_groups=frozenset({"youth"}), office_ids=frozenset({2}), is_open=False,
                         group_names={"STANDARD_INNSATS": "Standard innsats"})
    c = el.ClientFacts(need_group="STANDARD_INNSATS", age=45, priority_groups=frozenset(), office_id=1, office_name="Nav Voss")
    reasons = el.check(c, o).reasons
    assert reasons == (
        "Tiltaket er ikke åpent for innsatsgruppen «Standard innsats».",
        "Brukeren er 45 år; tilbudet er for personer opp til 29 år.",
        "Tilbudet er forbeholdt unge under 30 år.",
        "Tilbudet gjelder ikke brukere som følges opp ved Nav Voss.",
        "Tilbudet tar ikke imot påmeldinger (stengt, avlyst eller avsluttet).",
    )
    no_decision = el.ClientFacts(need_group="", age=45, priority_groups=frozenset(), office_id=2)
    assert el.check(no_decision, o).reasons[0] == "Brukeren har ikke et § 14 a-vedtak med innsatsgruppe ennå."


@given(st.integers(min_value=16, max_value=70), st.booleans(), st.booleans(), st.booleans())
def test_priority_groups_follow_the_client_flags(age, imm, ltu, rwc):
    g = el.priority_groups_of(age=age, immigrant_non_eea=imm, long_term_unemployed=ltu, reduced_work_capacity=rwc)
    assert ("youth" in g) == (age < 30)
    assert ("immigrant_non_eea" in g) == imm
    assert ("long_term_unemployed" in g) == ltu
    assert ("reduced_work_capacity" in g) == rwc


@given(client_facts(), st.lists(offering_facts(), min_size=1, max_size=12))
def test_vectorised_matcher_agrees_with_the_pure_rules(c, offers):
    """The matcher's numpy eligibility is the same rule set as eligibility.check."""
    n = len(offers)
    keys = ["job_search"]
    idx = matching.CountyIndex(
        county_id=1, built_at=0.0, on=None, ids=np.arange(1, n + 1, dtype=np.int64), type_idx=np.zeros(n, dtype=np.int32),
        type_ids=[1], type_codes=["X"], type_names=["X"], type_weeks=np.array([12.0]), type_addr=np.zeros((1, 1), dtype=np.float32),
        addr=np.zeros((n, 1), dtype=np.float32),
        group_bits=np.array([matching._bits(o.eligible_groups, NEED_GROUP_ORDER) for o in offers], dtype=np.int16),
        prio_bits=np.array([matching._bits(o.priority_groups, PRIORITY_GROUP_ORDER) for o in offers], dtype=np.int16),
        min_age=np.array([o.min_age if o.min_age is not None else 0 for o in offers], dtype=np.int16),
        max_age=np.array([o.max_age if o.max_age is not None else 999 for o in offers], dtype=np.int16),
        is_open=np.array([o.is_open for o in offers]), lat=np.full(n, np.nan), lon=np.full(n, np.nan), digital=np.zeros(n, dtype=bool),
        lang_idx=np.zeros(n, dtype=np.int16), langs=["nb"], titles=[""] * n, providers=[""] * n, municipalities=[""] * n,
        start=[None] * n, end=[None] * n, domain_keys=keys,
        office_rows={oid: np.array([i for i, o in enumerate(offers) if oid in o.office_ids], dtype=np.int64) for oid in range(1, 7)},
    )
    p = matching.ClientProfile(client_id=1, office_id=c.office_id, need_group=c.need_group, age=c.age, priority_groups=c.priority_groups)
    mask, excluded = matching.eligibility_mask(idx, p)
    assert list(mask) == [el.check(c, o).eligible for o in offers]
    for rule in ("need_group", "age", "priority_group", "place", "open"):
        assert excluded[rule] == sum(rule in el.check(c, o).failed for o in offers)
