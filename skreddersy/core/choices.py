"""``get_FOO_display`` without rebuilding the field's choices on every call.

Django's ``Model._get_FIELD_display`` makes a dict of the field's choices each time it is called,
hashing every label: each label is a lazy translation, so one call costs a catalogue lookup per
choice. A person page shows some fifty labels (journal kinds, activity states, channels), which
cost about a thousand lookups. ``ChoiceLabels`` keeps each field's labels per language, as
Django would give them; anything it does not hold (a value outside the choices, an unhashable
one) goes to Django's own method. ``tests/core/test_choice_labels.py`` compares the two for every
choice field of the models that use it, in every language."""

from __future__ import annotations

import functools

from django.utils import translation


class ChoiceLabels:
    """Put before ``models.Model`` in a model's bases."""

    def _get_FIELD_display(self, field):  # noqa: N802 (Django's name)
        value = getattr(self, field.attname)
        try:
            return _labels(field, translation.get_language() or "")[value]
        except (KeyError, TypeError):
            return super()._get_FIELD_display(field)


@functools.lru_cache(maxsize=2048)
def _labels(field, _language: str) -> dict:
    """The field's labels as text in the active language (``_language`` keys the cache)."""
    return {value: str(label) for value, label in field.flatchoices}
