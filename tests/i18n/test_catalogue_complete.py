"""Kept complete: every translatable string in the product has its English, and no template shows
text a translator cannot reach.

The English catalogue is checked against the source as it is now, not against itself: Django's
``makemessages`` extracts the strings again into a copy of ``locale/`` and merges the committed
translations in, so a string added to a template or to Python without an English translation (or
with only msgmerge's guess, a fuzzy entry) fails here, naming the string. Run ``make messages`` and
translate what it adds."""

from __future__ import annotations

import shutil

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.i18n.catalogues import LOCALE, ROOT, read_po
from tests.i18n.template_text import report

IGNORE = ["tests", "bench", "scripts", "static", "var", "test-results", "node_modules", "staticfiles"]


def _untranslated(po) -> list[str]:
    return [e.msgid for e in read_po(po) if not e.translated]


def test_the_committed_english_catalogue_has_every_entry_translated():
    missing = _untranslated(LOCALE / "en" / "LC_MESSAGES" / "django.po")
    assert not missing, f"{len(missing)} entries without English (empty or fuzzy): {missing[:20]}"


def test_every_translatable_string_in_the_source_has_english(tmp_path, monkeypatch):
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.fail("GNU gettext (xgettext, msgmerge) is needed to extract the strings: `make test` installs it")
    # makemessages writes into ./locale of the folder it runs in: run it in a scratch folder that
    # links to the source and holds a copy of the catalogues, so the committed ones stay untouched
    for name in ("skreddersy", "templates"):
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE, copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[copy]):
        call_command(
            "makemessages", locale=["en"], no_location=True, symlinks=True, ignore_patterns=IGNORE, verbosity=0
        )
    missing = _untranslated(copy / "en" / "LC_MESSAGES" / "django.po")
    assert not missing, (
        f"{len(missing)} translatable strings have no English (run `make messages` and translate them in "
        f"locale/en/LC_MESSAGES/django.po): {missing[:20]}"
    )


def test_no_template_shows_text_outside_a_translation_tag():
    found = report()
    lines = [f"{path}:{line}: {text[:80]}" for path, hits in found.items() for line, text in hits]
    assert not lines, "text a translator cannot reach (wrap it in {% translate %}):\n" + "\n".join(lines)


def test_the_template_check_finds_untranslated_text():
    """The check itself: it flags plain text and read-aloud attributes, and leaves translated text,
    variables, code, scripts and the allow-list alone."""
    from tests.i18n.template_text import untranslated

    assert untranslated("<p>Hei verden</p>")
    assert untranslated('<button aria-label="Lukk">x</button>')
    assert untranslated("<td>{{ n }} kr</td>")
    assert untranslated("{% if a %}<p>Ingen treff</p>{% endif %}")
    assert untranslated('<td>{{ x|default:"Alle grupper" }}</td>')
    assert not untranslated('<td>{{ x|default:_("Alle grupper") }}{{ y|default:"–" }}</td>')
    assert not untranslated('{% load i18n %}<p>{% translate "Hei verden" %}</p>')
    assert not untranslated("{% blocktranslate %}Hei {{ name }}{% endblocktranslate %}")
    assert not untranslated("<p>{{ name }} · {{ n }} – 12 %</p>")
    assert not untranslated("<script>const x = 'tekst';</script><code>age_band</code>")
    assert not untranslated("<p>skreddersy · Nav · § 14 a</p>")
    assert not untranslated("{% comment %}Forklaring{% endcomment %}{# notat #}")
