"""Message triage measured on labelled, realistic client messages (tests/followup/triage_messages.py).

Prints precision and recall per route for each split. The floors apply to the held-out half
(never used to tune the scorer) and to the "late" messages written after tuning."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from skreddersy.followup import triage
from tests.followup.triage_messages import MESSAGES

ROUTES = ("followup", "benefit", "municipal")


def _split(name):
    return [(t, r) for t, r, s in MESSAGES if s == name]


def test_labelled_set_is_big_enough_and_balanced():
    assert len(MESSAGES) >= 60
    for r in ROUTES:
        assert sum(1 for _t, route, _s in MESSAGES if route == r) >= 20
    assert len({t for t, _r, _s in MESSAGES}) == len(MESSAGES)  # no duplicates


def test_precision_and_recall_per_route_on_held_out_messages():
    for split in ("dev", "holdout", "late"):
        print()
        print(triage.format_table(triage.evaluate(_split(split)), f"split={split}"))
    held_out = triage.evaluate(_split("holdout"))
    for r in ROUTES:
        assert held_out[r]["precision"] >= 0.8, (r, held_out[r])
        assert held_out[r]["recall"] >= 0.8, (r, held_out[r])
    late = triage.evaluate(_split("late"))
    assert late["overall"]["accuracy"] >= 0.7, late


def test_plain_thanks_and_empty_messages_stay_with_the_counsellor():
    for text in ("", "Takk!", "ok", "Tusen takk for hjelpen"):
        assert triage.suggest_route(text) == "followup"


def test_money_words_in_a_municipal_context_go_to_the_municipality():
    assert triage.suggest_route("Jeg har ikke penger til husleie") == "municipal"
    assert triage.suggest_route("Når kommer pengene for meldekortet?") == "benefit"


@given(st.text(max_size=400))
def test_any_text_gets_one_of_the_routes(text):
    assert triage.suggest_route(text) in ROUTES


def test_routes_match_the_message_model():
    from skreddersy.followup.models import Message

    assert set(triage.Route.values) == set(Message.Route.values)
