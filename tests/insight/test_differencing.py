"""A generic differencing attacker: a leader polls every page, export, filter and API endpoint
they can reach for a wave while colleagues' answers arrive one at a time (the periodic release
running at random moments), and tries to isolate one answer by comparing what they saw before
and after it came in.

The proof is by counterfactual: two worlds that differ only in one respondent's answers (items
and background) must look exactly the same to the leader for as long as the wave is open, at
every poll, whatever the order of arrival; what the leader sees may change only when their
office's count passes a multiple of five; the released data (what every report reads) move in
steps of five or more per office; and after closing the leader sees one snapshot, which later
polls and releases do not change.
"""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from skreddersy.core import clock
from skreddersy.insight import services
from skreddersy.insight.models import Invitation, PendingResponse, Response, ResponseDraft

from .conftest import release, token_of

ITEMS = ["ind_tailored", "pm_fill_slots", "dcsq_time", "dcsq_load", "know_measures"]
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"')
# what differs between two renderings of the same figures: the SVG's creation time and its
# random clip-path ids
VOLATILE = [(re.compile(r"<dc:date>[^<]*</dc:date>"), "<dc:date/>"), (re.compile(r"(id=\"|#)[a-z][0-9a-f]{10}\b"), r"\1…")]
FILTERS = [{}, {"kjonn": "woman"}, {"gender": "man"}, {"tilsetting": "state"}, {"employer": "municipal"},
           {"alder": "40_49"}, {"age_band": "30_39"}]


BASE = clock.now().replace(second=0, microsecond=0)


def _reset(wave):
    Response.objects.filter(wave=wave).delete()
    PendingResponse.objects.all().delete()
    ResponseDraft.objects.all().delete()
    Invitation.objects.filter(wave=wave).update(used=False)
    wave.opens_at = BASE - dt.timedelta(days=1)  # the same times in every world: pages show them
    wave.closes_at = BASE + dt.timedelta(days=7)
    wave.save(update_fields=["opens_at", "closes_at"])


def _observe(client, wave, office_id) -> tuple:
    """Everything the leader can fetch about the wave, as (status, body) per request."""
    seen = []
    pages = ["/innsikt/", f"/innsikt/runde/{wave.pk}/"]
    pages += [f"/innsikt/runde/{wave.pk}/?" + "&".join(f"{k}={v}" for k, v in ({"kontor": office_id} | f).items())
              for f in FILTERS]
    pages += [f"/innsikt/runde/{wave.pk}/resultater.csv?kontor={office_id}",
              "/api/v1/innsikt/runder", f"/api/v1/innsikt/runder/{wave.pk}/svarprosent",
              f"/api/v1/innsikt/runder/{wave.pk}/rapport?kontor={office_id}",
              f"/api/v1/innsikt/runder/{wave.pk}/rapport?kontor={office_id}&employer=state"]
    for url in pages:
        r = client.get(url)
        body = r.content.decode("utf-8", "replace")
        body = CSRF.sub(r"\1…\"", body)
        for pattern, repl in VOLATILE:
            body = pattern.sub(repl, body)
        seen.append((url, r.status_code, body))
    # the PDF is rendered from the same report object as the JSON above; its bytes carry a
    # creation time, so only whether it is given is compared
    seen.append(("pdf", client.get(f"/innsikt/runde/{wave.pk}/rapport.pdf?kontor={office_id}").status_code))
    return tuple(seen)


def _released(wave) -> dict[int, int]:
    out: dict[int, int] = {}
    for office_id in Response.objects.filter(wave=wave).values_list("office_id", flat=True):
        out[office_id] = out.get(office_id, 0) + 1
    return out


def _run(client, wave, people, arrivals, answers, releases):
    """One world: answers arrive one at a time; after each, maybe the periodic release; the leader
    polls. Returns the observations while open, the counts at office A and the released counts."""
    _reset(wave)
    leader = people["leader_a"]
    office_a = people["a"].pk
    observations = [_observe_as(client, leader, wave, office_a)]
    at_a = [0]
    released = [_released(wave)]
    for i, staff in enumerate(arrivals):
        services.submit_response(token=token_of(wave, staff), answers=answers[i]["answers"],
                                 background=answers[i]["background"])
        if releases[i]:
            release()
        at_a.append(at_a[-1] + int(Invitation.objects.get(wave=wave, staff=staff).office_id == office_a))
        released.append(_released(wave))
        observations.append(_observe_as(client, leader, wave, office_a))
    return observations, at_a, released


def _observe_as(client, staff, wave, office_id):
    client.force_login(staff.user)
    return _observe(client, wave, office_id)


def _close_and_observe(client, wave, people):
    wave.closes_at = clock.now() - dt.timedelta(microseconds=1)
    wave.save(update_fields=["closes_at"])
    before_release = _observe_as(client, people["leader_a"], wave, people["a"].pk)
    release()
    after = _observe_as(client, people["leader_a"], wave, people["a"].pk)
    release()
    again = _observe_as(client, people["leader_a"], wave, people["a"].pk)
    return before_release, after, again


def _difference(obs_a, obs_b) -> str:
    import difflib

    for t, (a, b) in enumerate(zip(obs_a, obs_b, strict=True)):
        for x, y in zip(a, b, strict=True):
            if x != y:
                lines = difflib.unified_diff(str(x[-1]).splitlines(), str(y[-1]).splitlines(), lineterm="", n=0)
                return f"poll {t}, {x[0]}: " + " | ".join(list(lines)[2:8])
    return ""


answer_sets = st.fixed_dictionaries({
    "answers": st.fixed_dictionaries({k: st.integers(0, 3) for k in ITEMS}),
    "background": st.fixed_dictionaries({"employer": st.sampled_from(["state", "municipal"]),
                                         "gender": st.sampled_from(["woman", "man"]),
                                         "age_band": st.sampled_from(["30_39", "40_49", "50_59"])}),
})


@settings(max_examples=4, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate], suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_no_single_answer_can_be_recovered_by_polling_while_answers_arrive(client, wave, people, data):
    invited = people["counsellors_a"] + [people["leader_a"]] + people["counsellors_b"] + [people["leader_b"]]
    arrivals = data.draw(st.permutations(invited), label="arrival order")
    arrivals = arrivals[: data.draw(st.integers(5, len(arrivals)), label="how many answer")]
    answers = data.draw(st.lists(answer_sets, min_size=len(arrivals), max_size=len(arrivals)), label="answers")
    releases = data.draw(st.lists(st.booleans(), min_size=len(arrivals), max_size=len(arrivals)), label="releases")
    j = data.draw(st.integers(0, len(arrivals) - 1), label="the respondent the leader is after")
    other = data.draw(answer_sets.filter(lambda a: a != answers[j]), label="their other possible answer")

    obs_a, at_a, released_a = _run(client, wave, people, arrivals, answers, releases)
    final_a = _close_and_observe(client, wave, people)
    answers_b = list(answers)
    answers_b[j] = other
    obs_b, _, released_b = _run(client, wave, people, arrivals, answers_b, releases)

    # 1. while open, nothing the leader sees depends on any single respondent's answers
    assert obs_a == obs_b, f"the leader's view depends on respondent {j}'s answers: {_difference(obs_a, obs_b)}"
    # 2. what the leader sees changes only when their office's count passes a multiple of five
    #    (or when the leader answers themselves: their own invitation leaves their list)
    for t in range(1, len(obs_a)):
        if obs_a[t] != obs_a[t - 1] and arrivals[t - 1] != people["leader_a"]:
            assert at_a[t] % 5 == 0 and at_a[t] != at_a[t - 1], (t, at_a)
    # 3. the released data move in steps of five or more per office while the wave is open
    for released in (released_a, released_b):
        for t in range(1, len(released)):
            for office, n in released[t].items():
                step = n - released[t - 1].get(office, 0)
                assert step == 0 or step >= 5, (office, released)
    # 4. after closing: one snapshot, the same at every later poll and release; a closed wave
    #    with pending answers shows nothing until they are released
    before_release, after, again = final_a
    assert after == again, _difference([after], [again])
    api = next(body for url, _status, body in after[:-1] if url.endswith(f"/rapport?kontor={people['a'].pk}"))
    if at_a[-1] >= 5:
        assert f'"n": {at_a[-1]}' in api
    else:
        assert '"suppressed": true' in api
    if PendingResponse.objects.filter(wave=wave).exists():
        assert '"suppressed": true' in next(b for u, _s, b in before_release[:-1] if u.endswith(f"/rapport?kontor={people['a'].pk}"))
