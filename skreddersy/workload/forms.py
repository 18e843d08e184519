"""Forms for the workload pages; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from skreddersy.clients.models import NeedGroup

from .model import FACTOR_LABELS, NATIONAL_CONTACT_DAYS, NATIONAL_POINTS
from .models import TimeUseWeek

INPUT = "aksel-text-field__input"


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", INPUT)


class PointsForm(_Styled):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, points: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        points = points or NATIONAL_POINTS
        for name, default in NATIONAL_POINTS.items():
            self.fields[name] = forms.FloatField(
                label=FACTOR_LABELS[name],
                required=False,
                initial=points.get(name, default),
                help_text=_("Nasjonal standard: %(d)s") % {"d": f"{default:g}"},
                widget=forms.NumberInput(attrs={"class": INPUT, "step": "any"}),
            )


class ContactStandardForm(_Styled):
    def __init__(self, *args, days: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        days = days or NATIONAL_CONTACT_DAYS
        for value, label in NeedGroup.choices:
            self.fields[value] = forms.IntegerField(
                label=label,
                required=False,
                initial=days.get(value),
                help_text=_("Høyst så mange dager mellom kontakter"),
            )


class TermsForm(_Styled):
    staff_id = forms.IntegerField(widget=forms.HiddenInput)
    contracted_hours = forms.DecimalField(label=_("Avtalt arbeidstid (t/uke)"), max_digits=4, decimal_places=1)
    fixed_duty_hours = forms.DecimalField(label=_("Faste oppgaver (t/uke)"), max_digits=4, decimal_places=1)
    started_on = forms.DateField(label=_("Tiltrådt"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    languages = forms.CharField(label=_("Språk utover norsk"), required=False, max_length=100)


class TimeUseForm(_Styled):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in TimeUseWeek.CATEGORIES:
            self.fields[value] = forms.FloatField(
                label=label,
                required=False,
                min_value=0,
                max_value=60,
                widget=forms.NumberInput(attrs={"class": INPUT, "step": "0.5"}),
            )
