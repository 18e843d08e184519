"""Forms: thin parsing for the views; the rules live in services.py."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from skreddersy.core import clock
from skreddersy.core.models import Office
from skreddersy.insight.models import BACKGROUND_QUESTIONS, Item

MAX_IMPORT_BYTES = 50 * 1024 * 1024


class SurveyForm(forms.Form):
    name = forms.CharField(label=_("Navn på undersøkelsen"), max_length=200)
    intro = forms.CharField(label=_("Innledning til respondentene"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    items = forms.ModelMultipleChoiceField(
        label=_("Påstander"), queryset=Item.objects.select_related("instrument").order_by("instrument__key", "position"),
        to_field_name="key", widget=forms.CheckboxSelectMultiple)
    background = forms.MultipleChoiceField(
        label=_("Bakgrunnsspørsmål"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(k, q) for k, (q, _c) in BACKGROUND_QUESTIONS.items()], initial=list(BACKGROUND_QUESTIONS))


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses a value that cannot be a 64-bit id before it reaches the database (where a number
    beyond the integer range raises OverflowError on SQLite and DataError on PostgreSQL)."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not (text.isascii() and text.isdigit() and int(text) < 2**63):
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": text[:20]})
        return super()._check_values(value)


class WaveForm(forms.Form):
    label = forms.CharField(label=_("Navn på runden"), max_length=120, initial=_("Høsten"))
    offices = IdMultipleChoiceField(label=_("Kontor"), queryset=Office.objects.order_by("number"),
                                             widget=forms.SelectMultiple(attrs={"size": 8}))
    opens_at = forms.DateTimeField(label=_("Åpner"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    closes_at = forms.DateTimeField(label=_("Stenger"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        now = clock.now().replace(second=0, microsecond=0)
        self.fields["opens_at"].initial = now
        self.fields["closes_at"].initial = now + dt.timedelta(days=21)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Fil med svar (CSV eller SPSS .sav)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("Filen er større enn 50 MB."))
        name = f.name.lower()
        if not (name.endswith(".csv") or name.endswith(".sav") or name.endswith(".txt")):
            raise forms.ValidationError(_("Velg en CSV-fil (.csv) eller en SPSS-fil (.sav)."))
        return f


class ItemForm(forms.Form):
    text = forms.CharField(label=_("Ordlyd"), widget=forms.Textarea(attrs={"rows": 3}))
    reverse = forms.BooleanField(label=_("Snus i indekser (omvendt formulert)"), required=False)
    note = forms.CharField(label=_("Merknad"), required=False, max_length=300)
