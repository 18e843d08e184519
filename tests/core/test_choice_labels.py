"""``core.choices.ChoiceLabels`` gives what Django's own ``get_FOO_display`` gives: for every model
that uses it, every choice field, every value in its choices and one outside them, in every language
the product speaks (the labels are cached per language, so a switch must show in the next call)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation

from skreddersy.core.choices import ChoiceLabels


def _cases():
    for model in apps.get_models():
        if not issubclass(model, ChoiceLabels):
            continue
        for field in model._meta.concrete_fields:
            if field.choices:
                yield model, field


CASES = list(_cases())


def test_the_hot_models_use_it():
    names = {m.__name__ for m, _f in CASES}
    assert {"JournalEntry", "Activity", "MeetingNote", "Notification"} <= names


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
@pytest.mark.parametrize(("model", "field"), CASES, ids=[f"{m.__name__}.{f.name}" for m, f in CASES])
def test_the_same_label_as_djangos_for_every_value_and_language(model, field, language):
    values = [v for v, _label in field.flatchoices] + ["ikke-et-valg"]
    with translation.override(language):
        for value in values:
            obj = model(**{field.attname: value})
            got = getattr(obj, f"get_{field.name}_display")()
            want = models.Model._get_FIELD_display(obj, field)
            assert got == want and type(got) is type(want), (model.__name__, field.name, value, language)
