"""Service refusals in the reader's language (issue 19), for insight, measures, work and workload
(and any other app outside followup, clients, notifications, policy, timeuse, core and accounts,
which tests/i18n/test_service_error_text_a.py covers).

A ServiceError's message reaches the user as a page message and as the JSON API's ``message`` and
``detail[].reason``, so it must go through gettext: a bare str literal or an f-string handed to one
of these exceptions (as its message, or as a value of an ``errors={...}`` dict literal) would stay
bokmål for a user who chose English or nynorsk. The walk below names every such place."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils import translation

from skreddersy.core.errors import InvalidInput
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "skreddersy"
OTHER_HELPERS_APPS = {"followup", "clients", "notifications", "policy", "timeuse", "core", "accounts"}
APPS = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name not in OTHER_HELPERS_APPS)

# the ServiceError family by name, with the app-level subclasses (insight's AnalysisError)
SERVICE_ERRORS = {"ServiceError", "InvalidInput", "AccessDenied", "NotFound", "Conflict", "Hidden", "AnalysisError"}


def _python_files():
    for app in APPS:
        for path in sorted((PACKAGE / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _bare(node: ast.expr) -> bool:
    """A literal text no translation can reach: a str constant, an f-string, or a sum starting with one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _bare(node.left) or _bare(node.right)
    return False


def untranslated_messages(source: str, filename: str = "<text>") -> list[str]:
    """``file:line: Exception`` for every ServiceError-family construction with a bare literal as its
    message or as a value of an ``errors=`` dict literal."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call) or _name(node.func) not in SERVICE_ERRORS:
            continue
        texts = list(node.args[:1]) + [k.value for k in node.keywords if k.arg == "message"]
        for k in node.keywords:
            if k.arg == "errors" and isinstance(k.value, ast.Dict):
                texts += k.value.values
        found += [f"{filename}:{t.lineno}: {_name(node.func)}" for t in texts if _bare(t)]
    return found


def test_the_walk_covers_the_apps_of_this_half():
    assert {"insight", "measures", "work", "workload"} <= set(APPS)
    assert not OTHER_HELPERS_APPS & set(APPS)


def test_no_service_error_in_these_apps_is_built_from_a_bare_literal():
    found = []
    for path in _python_files():
        found += untranslated_messages(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, "wrap these messages in gettext (_(...) or gettext(...)):\n" + "\n".join(found)


def test_the_walk_finds_what_it_should_and_leaves_translated_text_alone():
    assert untranslated_messages('raise InvalidInput("Ugyldig.")')
    assert untranslated_messages('raise errors.NotFound(f"Fant ikke {x}.")')
    assert untranslated_messages('raise AnalysisError(message="Nei.")')
    assert untranslated_messages('raise Conflict("Fullt: " + why)')
    assert untranslated_messages('raise InvalidInput(_("Lagres ikke."), errors={"a": "Feil."})')
    assert untranslated_messages('raise InvalidInput(_("Lagres ikke."), errors={"a": f"Feil i {x}."})')
    assert not untranslated_messages('raise InvalidInput(_("Ugyldig %(x)s.") % {"x": x}, field="x")')
    assert not untranslated_messages('raise AccessDenied(gettext("Nei."), errors={"a": gettext("Feil.")})')
    assert not untranslated_messages("raise NotFound()")
    assert not untranslated_messages("raise InvalidInput(message, errors=errors)")
    assert not untranslated_messages('raise ValueError("internal")')


# --- real refusals in the reader's language ----------------------------------------------------------

@pytest.fixture
def people(db):
    office = f.office(f.county("46"), name="Nav Voss")
    counsellor = f.staff("counsellor", offices=[office])
    client = f.client(office, counsellor, login=True, written_standard="nn")
    return {"office": office, "counsellor": counsellor, "client": client}


def test_a_refusal_from_measures_is_english_for_an_english_reader(people):
    from skreddersy.measures import services

    with translation.override("en"), pytest.raises(InvalidInput) as exc:
        services.set_preferences(user=people["counsellor"].user, client=people["client"], wanted_domains=["ikke_et_omrade"],
                                 preferred_types=[], max_travel_km=5000)
    assert exc.value.message == "The wishes cannot be saved."
    assert exc.value.errors["max_travel_km"] == "Travel distance must be between 1 and 1000 km."
    assert exc.value.errors["wanted_domains"] == "Unknown need domain: ikke_et_omrade."
    body = exc.value.as_dict()
    assert body["message"] == "The wishes cannot be saved."
    assert {"field": "max_travel_km", "reason": "Travel distance must be between 1 and 1000 km."} in body["detail"]


def test_the_same_refusal_stays_bokmal_for_a_bokmal_reader(people):
    from skreddersy.measures import services

    with translation.override("nb"), pytest.raises(InvalidInput) as exc:
        services.set_preferences(user=people["counsellor"].user, client=people["client"], wanted_domains=[],
                                 preferred_types=[], max_travel_km=5000)
    assert exc.value.message == "Ønskene kan ikke lagres."
    assert exc.value.errors == {"max_travel_km": "Reiseavstand må være mellom 1 og 1000 km."}


def test_refusals_from_the_analysis_tools_are_english_for_an_english_reader():
    from skreddersy.insight.analysis import AnalysisError, summary_tests
    from skreddersy.insight.toolkit import selectors

    with translation.override("en"):
        with pytest.raises(AnalysisError) as exc:
            summary_tests.t_test(3.2, -1.1, 60, 2.8, 1.3, 62)
        assert exc.value.message == "sd1: a standard deviation cannot be negative (-1.1)."
        with pytest.raises(InvalidInput) as exc:
            selectors.parse_national("gender woman 0,62\ngender\n")
        assert exc.value.message == "Line 2: write “variable category proportion”, for example “gender woman 0.62”."


def test_a_client_reads_a_refusal_of_their_own_wishes_in_nynorsk(people):
    from skreddersy.measures import services

    client_user = f.fresh_user(people["client"].user)
    with translation.override("nn"), pytest.raises(InvalidInput) as exc:
        services.set_preferences(user=client_user, client=people["client"], wanted_domains=[], preferred_types=[],
                                 note="x" * 501)
    assert exc.value.message == "Ønska kan ikkje lagrast."
    assert exc.value.errors == {"note": "Merknaden kan vere høgst 500 teikn."}
