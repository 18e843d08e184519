"""Service refusals reach the reader in the reader's language (issue 19): in every app no
ServiceError-family exception, and no form validation error, is given a bare string literal (or
f-string) as its message; each goes through gettext. Text stored in a record stays bokmål and is not
checked here (it is written with ``stored_text.compose``, not raised). The refusals of followup,
notifications and the identity numbers in English and nynorsk are here; those of measures and the
analysis tools in test_service_error_text_other_apps.py."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "skreddersy"
APPS = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists())

# The ServiceError family (skreddersy/core/errors.py) and the form errors, by the name they are raised as.
ERRORS = {
    "ServiceError",
    "InvalidInput",
    "AccessDenied",
    "Conflict",
    "ValidationError",
    "AnalysisError",  # insight.analysis: a ServiceError the analysis tools raise
}
# NotFound and Hidden are left out on purpose: whatever message they are given stays in
# ``internal_message`` for the code's readers, and the reader always gets NOT_FOUND_MESSAGE (which is
# translated in core/errors.py), so that a 404 does not tell which ids exist.
NEVER_SHOWN = {"NotFound", "Hidden"}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _bare(node: ast.expr | None) -> bool:
    """A literal the reader would see untranslated: a str constant, an f-string, or one of them
    formatted with ``%`` or ``.format``, or concatenated."""
    if node is None:
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(node.value.strip())
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return _bare(node.left) or (isinstance(node.op, ast.Add) and _bare(node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _bare(node.func.value)
    if isinstance(node, ast.IfExp):
        return _bare(node.body) or _bare(node.orelse)
    return False


def _findings(source: str, filename: str) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name in ERRORS:
            message = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "message"), None)
            if isinstance(message, ast.Dict):  # ValidationError({"field": "..."})
                out += [f"{filename}:{v.lineno}: {name} with a bare message" for v in message.values if _bare(v)]
            elif _bare(message):
                out.append(f"{filename}:{node.lineno}: {name} with a bare message")
            for kw in node.keywords:
                if kw.arg == "errors" and isinstance(kw.value, ast.Dict):
                    for value in kw.value.values:
                        if _bare(value):
                            out.append(f"{filename}:{value.lineno}: {name} errors= value is a bare literal")
        elif name == "add_error" and len(node.args) >= 2 and _bare(node.args[1]):
            out.append(f"{filename}:{node.lineno}: add_error with a bare message")
    for node in ast.walk(ast.parse(source, filename)):
        # errors["field"] = "..." : the dict a service fills before it raises InvalidInput(errors=errors)
        if isinstance(node, ast.Assign) and _bare(node.value):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and (_name(target.value) or "").endswith("errors"):
                    out.append(f"{filename}:{node.lineno}: errors[...] is given a bare literal")
    return out


def _sources():
    for app in APPS:
        for path in sorted((ROOT / "skreddersy" / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield path


def test_the_walk_covers_every_app():
    assert {"followup", "clients", "core", "accounts", "insight", "measures", "work", "workload"} <= set(APPS)


def test_no_service_error_in_any_app_carries_a_bare_literal():
    found = []
    for path in _sources():
        found += _findings(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, "wrap these messages in gettext (`_(...)`):\n" + "\n".join(found)


@pytest.mark.parametrize(
    "code, hits",
    [
        ('raise InvalidInput("Ugyldig.")', 1),
        ('raise errors.Conflict(f"Endret av {who}.")', 1),
        ('raise AccessDenied("Nei %(x)s" % {"x": 1})', 1),
        ('raise InvalidInput(_("Ugyldig."), errors={"a": "Mangler.", "b": _("Mangler.")})', 1),
        ('raise forms.ValidationError("Ugyldig.")', 1),
        ('form.add_error("field", "Ugyldig.")', 1),
        ('errors["title"] = "Mangler tittel."', 1),
        ('errors[key] = f"Høyst {limit} tegn."', 1),
        ('errors["title"] = _("Mangler tittel.")', 0),
        ('raise InvalidInput(_("Fristen %(d)s er passert.") % {"d": d}, field="due")', 0),
        ('raise ValidationError({"team": "Feil kontor."})', 1),
        ('raise AnalysisError(message="Nei.")', 1),
        ('raise Conflict("Fullt: " + why)', 1),
        ('raise NotFound("Fant ikke aktiviteten.")', 0),
        ("raise NotFound()", 0),
        ("raise InvalidInput(message)", 0),
        ('form.add_error(None, exc.message)', 0),
    ],
)
def test_the_check_finds_bare_literals(code, hits):
    assert len(_findings(code, "x.py")) == hits


# --- the refusals in the reader's language -------------------------------------------------------


def test_a_counsellor_reading_english_gets_the_refusals_in_english(nynorsk):
    from skreddersy.core.errors import Conflict, InvalidInput
    from skreddersy.followup import notices, services
    from skreddersy.followup.models import Activity

    counsellor = nynorsk["counsellor"].user
    requirement = Activity.objects.get(plan__client=nynorsk["nb"], is_requirement=True)
    with translation.override("en"):
        # the sanction rule's refusal (shown on the requirement page, and the 409's message)
        with pytest.raises(Conflict) as refused:
            notices.recommend_sanction(user=counsellor, activity=requirement, reason="Møtte ikke.")
        assert refused.value.message == (
            "Send an advance notice (forhåndsorientering) before you recommend a sanction (forvaltningsloven § 16)."
        )
        assert refused.value.as_dict()["detail"] == [{"field": "reason", "reason": refused.value.message}]
        assert notices.sanction_refusal(None, dt.date(2026, 1, 5)) == refused.value.message
        # a form's field errors, and a message with a value in it
        with pytest.raises(InvalidInput) as bad:
            services.add_activity(user=counsellor, client=nynorsk["nb"], title="", type="course")
        assert bad.value.message == "The activity cannot be saved."
        assert bad.value.errors["title"] == "The activity must have a title."
        with pytest.raises(InvalidInput) as bad:
            notices.send_notice(user=counsellor, activity=requirement, text="", deadline=None)
        assert bad.value.errors == {
            "text": "Write the text to the client (start with the standard text and adapt it).",
            "deadline": "Set a reply deadline (forvaltningsloven § 16).",
        }
    # bokmål stays as it was
    with translation.override("nb"), pytest.raises(Conflict) as refused:
        notices.recommend_sanction(user=counsellor, activity=requirement, reason="Møtte ikke.")
    assert refused.value.message.startswith("Send forhåndsorientering før du innstiller på sanksjon")


def test_a_client_reading_nynorsk_gets_the_refusal_in_nynorsk(nynorsk):
    from skreddersy.core.errors import InvalidInput
    from skreddersy.notifications import services

    with translation.override("nn"), pytest.raises(InvalidInput) as bad:
        services.set_preference(user=nynorsk["nn"].user, client=nynorsk["nn"], channel="sms", phone="")
    assert bad.value.message == "Varslingsvalet kan ikkje lagrast."
    assert bad.value.errors == {"phone": "Skriv eit mobilnummer for å få varsel på SMS."}
    assert bad.value.as_dict()["message"] == "Varslingsvalet kan ikkje lagrast."


def test_an_identity_number_is_refused_in_the_readers_language():
    from skreddersy.core import fnr

    with pytest.raises(fnr.InvalidIdentityNumber) as bad:
        fnr.parse("1234")
    assert bad.value.reason == "Fødselsnummeret må ha 11 sifre, ikke 4."  # as before, for the code's readers
    with translation.override("nb"):
        assert bad.value.translated() == bad.value.reason
    with translation.override("en"):
        assert bad.value.translated() == "The identity number must have 11 digits, not 4."
    with translation.override("nn"):
        assert bad.value.translated() == "Fødselsnummeret må ha 11 siffer, ikkje 4."
