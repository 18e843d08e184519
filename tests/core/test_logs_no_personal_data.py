"""No identity number, name, search text or token reaches any log: the application's log (the
filtered console handler every logger writes to) and gunicorn's access and error logs. Requests
that carry generated identity numbers, names and tokens in every place a request can (query
strings, paths, form fields, API bodies, the Referer) go through the test client and through a
real gunicorn on loopback; every line captured is scanned."""

from __future__ import annotations

import datetime as dt
import http.client
import io
import json
import logging
import os
import random
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.test import Client as HttpClient

from skreddersy.core import clock, fnr
from skreddersy.core.logging import GunicornLogger, RedactPersonalData, redact
from skreddersy.core.models import Role
from skreddersy.insight import services as insight_services
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
LETTERS = "abcdefghijklmnoprstuvyæøå"


def _names(rng: random.Random, n: int) -> list[str]:
    return [rng.choice("ABDEFGHIKLMNOPRSTUVØÅ") + "".join(rng.choice(LETTERS) for _ in range(rng.randint(6, 10)))
            for _ in range(n)]


def _numbers(rng: random.Random, n: int) -> list[str]:
    return [fnr.synthetic(dt.date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)), rng)
            for _ in range(n)]


def _offending(text: str, secrets_: list[str]) -> list[str]:
    return [line[:300] for line in text.splitlines() if _secrets_in(line, secrets_)][:5]


def _secrets_in(text: str, secrets_: list[str]) -> list[str]:
    found = [s for s in secrets_ if s in text or quote(s) in text or quote(s, safe="") in text]
    # an identity number split as it is often typed (6 + space + 5)
    found += [s for s in secrets_ if s.isdigit() and len(s) == 11 and f"{s[:6]} {s[6:]}" in text]
    return found


@pytest.fixture
def captured_log():
    """The text every logger writes through the project's filtered handler, at DEBUG."""
    root = logging.getLogger()
    handlers = [h for h in root.handlers if any(isinstance(x, RedactPersonalData) for x in h.filters)]
    assert handlers, "the project's filtered console handler is configured on the root logger"
    buf = io.StringIO()
    old = [(h, h.setStream(buf)) for h in handlers]
    loggers = [root, logging.getLogger("django"), logging.getLogger("django.server"), logging.getLogger("axes")]
    levels = [(lg, lg.level) for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    try:
        yield buf
    finally:
        for h, stream in old:
            h.setStream(stream)
        for lg, level in levels:
            lg.setLevel(level)


def test_requests_through_the_application_leave_no_personal_data_in_its_log(db, captured_log):
    rng = random.Random(secrets.randbits(64))
    office = f.office()
    counsellor = f.staff(Role.COUNSELLOR, offices=[office])
    clients = [f.client(office, counsellor, login=True) for _ in range(4)]
    names = _names(rng, 8)
    for c, (first, last) in zip(clients, zip(names[::2], names[1::2], strict=True), strict=True):
        c.first_name, c.last_name = first, last
        c.save()
    numbers = [c.fnr for c in clients] + _numbers(rng, 3)
    insight_services.load_item_bank(user=None)
    survey = insight_services.create_survey(user=f.staff(Role.ANALYST).user, name="Logg", item_keys=["ind_tailored"],
                                            background=[])
    wave = insight_services.open_wave(user=f.staff(Role.ANALYST).user, survey=survey, label="L", office_ids=[office.pk],
                                      opens_at=clock.now() - dt.timedelta(days=1), closes_at=clock.now() + dt.timedelta(days=1))
    tokens = [insight_services.issue_token(user=counsellor.user, wave_id=wave.pk)]
    tokens += [secrets.token_urlsafe(32) for _ in range(2)]  # unknown tokens (a 404 logs the path)

    http = HttpClient()
    http.force_login(counsellor.user)
    for text in [*names, *numbers, f"{numbers[0][:6]} {numbers[0][6:]}"]:
        http.get("/oversikt/", {"q": text})
        http.get("/api/v1/overview", {"q": text})
        http.get("/", {"q": text}, HTTP_REFERER=f"http://127.0.0.1/oversikt/?q={quote(text)}")
    for number in numbers:
        http.get(f"/bruker/{number}/")  # not an id: 404, logged by Django
        http.get(f"/api/v1/clients/{number}")
    http.get(f"/innsikt/svar/{tokens[1]}/")
    http.post(f"/api/v1/innsikt/svar/{tokens[2]}", {"answers": {"ind_tailored": 1}}, content_type="application/json")
    anonymous = HttpClient()
    anonymous.get(f"/innsikt/svar/{tokens[0]}/")
    anonymous.post("/innsikt/svar/", {"q_ind_tailored": "2", "action": "submit"})
    anonymous.post(f"/api/v1/innsikt/svar/{tokens[0]}", {"answers": {"ind_tailored": 1}}, content_type="application/json")
    for number, name in zip(numbers, names, strict=False):  # identity numbers and names typed as usernames
        anonymous.post("/logg-inn/", {"username": number, "password": name})
        anonymous.post("/min-side/logg-inn/", {"username": name, "password": number})
    client_http = HttpClient()
    client_http.force_login(clients[0].user)
    client_http.get("/min-side/", {"navn": names[0], "fnr": numbers[0]})
    # a traceback that carries an identity number in its exception message
    try:
        raise ValueError(f"oppslag feilet for {numbers[1]}")
    except ValueError:
        logging.getLogger("skreddersy.test").exception("feil ved oppslag av %s", numbers[2])

    text = captured_log.getvalue()
    assert "Not Found" in text and "[fnr]" in text  # the log was captured, with the numbers taken out
    assert _secrets_in(text, names + numbers + tokens) == []


@pytest.mark.parametrize("line", [
    "GET /innsikt/svar/{token}/ HTTP/1.1", "POST /api/v1/innsikt/svar/{token} HTTP/1.1",
    "GET /oversikt/?q={name}&side=2 HTTP/1.1", "GET /bruker/{fnr}/ HTTP/1.1", "Referer: https://x/?q={fnr}",
])
def test_redact_takes_out_every_kind(line):
    rng = random.Random(secrets.randbits(64))
    values = {"token": secrets.token_urlsafe(32), "name": _names(rng, 1)[0], "fnr": _numbers(rng, 1)[0]}
    out = redact(line.format(**values))
    assert _secrets_in(out, list(values.values())) == []


# --- a real gunicorn ---------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(port, method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    r.read()
    c.close()
    return r.status


def test_gunicorn_access_and_error_logs_hold_no_personal_data(tmp_path):
    rng = random.Random(secrets.randbits(64))
    names, numbers = _names(rng, 4), _numbers(rng, 4)
    tokens = [secrets.token_urlsafe(32) for _ in range(3)]
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'logs.sqlite3'}", SKREDDERSY_LOG_LEVEL="INFO",
               SKREDDERSY_DEBUG="0")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    port = _free_port()
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    # the access log as `make run` writes it (the logger class and format come from gunicorn.conf.py)
    with out.open("w") as so, err.open("w") as se:
        server = subprocess.Popen([gunicorn, "skreddersy.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                                   "--access-logfile", "-", "--error-logfile", "-", "--log-level", "debug"],
                                  cwd=ROOT, env=env, stdout=so, stderr=se, start_new_session=True)
        try:
            deadline = time.time() + 90
            while True:
                try:
                    if _request(port, "GET", "/helse/") == 200:
                        break
                except OSError:
                    pass
                if time.time() > deadline or server.poll() is not None:
                    pytest.fail("gunicorn did not start: " + err.read_text()[-2000:])
                time.sleep(0.3)
            for text in names + numbers:
                q = quote(text)
                _request(port, "GET", f"/oversikt/?q={q}")
                _request(port, "GET", f"/api/v1/overview?q={q}", headers={"Referer": f"http://127.0.0.1/oversikt/?q={q}"})
                _request(port, "GET", f"/min-side/?navn={q}")
            for number in numbers:
                _request(port, "GET", f"/bruker/{number}/")
            for token in tokens:
                _request(port, "GET", f"/innsikt/svar/{token}/")
                _request(port, "POST", f"/api/v1/innsikt/svar/{token}", body=json.dumps({"answers": {}}),
                         headers={"Content-Type": "application/json"})
                _request(port, "GET", "/innsikt/svar/", headers={"Cookie": f"innsikt_svar={token}"})
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
    text = out.read_text() + err.read_text()
    assert "/oversikt/" in text and "/innsikt/svar/[token]/" in text  # the access log was written
    assert _secrets_in(text, names + numbers + tokens) == [], _offending(text, names + numbers + tokens)


def test_the_make_run_and_bench_servers_use_the_redacting_logger():
    conf = (ROOT / "gunicorn.conf.py").read_text()
    assert "skreddersy.core.logging.GunicornLogger" in conf
    assert "%(r)s" not in conf and "%(q)s" not in conf
    script = (ROOT / "scripts" / "run.sh").read_text()  # what make run starts
    run_line = next(line for line in script.splitlines() if "gunicorn\" skreddersy.wsgi" in line)
    assert "--config gunicorn.conf.py" in run_line
    assert "%(r)s" not in run_line and "%(q)s" not in run_line and "--access-logformat" not in run_line
    assert issubclass(GunicornLogger, __import__("gunicorn.glogging", fromlist=["Logger"]).Logger)
