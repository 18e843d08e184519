"""One way a ServiceError becomes a page, in measures and insight: whatever a selector or service
raises rises to core.middleware.ServiceErrorPages, which answers with the error's own status and
its message (a fragment for htmx), never a 500; the API answers 4xx JSON with the same status."""

import pytest

from skreddersy.core import errors
from skreddersy.insight import selectors as insight_selectors
from skreddersy.insight import services as insight_services
from skreddersy.measures import selectors as measures_selectors
from tests import factories as f


def _all_service_errors():
    out, todo = [errors.ServiceError], [errors.ServiceError]
    while todo:
        for sub in todo.pop().__subclasses__():
            out.append(sub)
            todo.append(sub)
    return out


SERVICE_ERRORS = _all_service_errors()

# (method, path, module whose function raises, function name)
PAGES = [
    ("get", "/tiltak/", measures_selectors, "catalogue_page"),
    ("get", "/tiltak/resultater/", measures_selectors, "outcomes_page"),
    ("get", "/tiltak/tildeling/", measures_selectors, "allocation_page"),
    ("get", "/innsikt/", insight_selectors, "home"),
    ("get", "/innsikt/runde/1/", insight_selectors, "wave_page"),
    ("get", "/innsikt/pastander/", insight_selectors, "item_bank"),
    ("post", "/innsikt/runde/1/steng/", insight_services, "close_wave"),
]
API = [
    ("/api/v1/tiltak/tilbud", measures_selectors, "catalogue_page"),
    ("/api/v1/innsikt/runder", insight_selectors, "waves_for"),
]


def test_every_service_error_has_a_4xx_status():
    assert {e.__name__ for e in SERVICE_ERRORS} >= {"ServiceError", "InvalidInput", "AccessDenied", "NotFound", "Conflict"}
    assert all(400 <= e.status < 500 for e in SERVICE_ERRORS)
    assert errors.InvalidInput.status == 422


def _answer(error) -> tuple[str, list[dict]]:
    """What the page says and the JSON's detail: the error's own reason and field, except for the
    one not-found answer (NotFound, and Hidden for a record the actor may not see), which says the
    same words and names no field whatever was looked up (tests/core/test_hidden_ids.py)."""
    if error.code == "not_found":
        return errors.NOT_FOUND_MESSAGE, [{"field": None, "reason": errors.NOT_FOUND_MESSAGE}]
    return "Grunnen står her.", [{"field": "felt", "reason": "Grunnen står her."}]


@pytest.fixture
def analyst_client(client, db):
    client.force_login(f.staff("analyst", offices=[f.office()]).user)
    return client


@pytest.mark.parametrize("error", SERVICE_ERRORS, ids=lambda e: e.__name__)
@pytest.mark.parametrize("method,path,module,name", PAGES, ids=[p[1] for p in PAGES])
def test_a_service_error_under_a_page_gives_its_status(analyst_client, monkeypatch, error, method, path, module, name):
    def fail(*args, **kwargs):
        raise error("Grunnen står her.", field="felt")

    monkeypatch.setattr(module, name, fail)
    r = getattr(analyst_client, method)(path)
    assert r.status_code == error.status, (path, error.__name__, r.status_code)
    said, _ = _answer(error)
    html = r.content.decode()
    assert said in html and "<html" in html
    frag = getattr(analyst_client, method)(path, HTTP_HX_REQUEST="true")
    assert frag.status_code == error.status
    assert said in frag.content.decode() and "<html" not in frag.content.decode()


@pytest.mark.parametrize("error", SERVICE_ERRORS, ids=lambda e: e.__name__)
@pytest.mark.parametrize("path,module,name", API, ids=[p[0] for p in API])
def test_a_service_error_under_the_api_gives_its_status_as_json(analyst_client, monkeypatch, error, path, module, name):
    def fail(*args, **kwargs):
        raise error("Grunnen står her.", field="felt")

    monkeypatch.setattr(module, name, fail)
    r = analyst_client.get(path)
    assert r.status_code == error.status
    assert r.json()["detail"] == _answer(error)[1]
