from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from .vignettes import DEMO_VIGNETTES


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Navn på runden"), max_length=200)
    intro = forms.CharField(label=_("Innledning"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    offices = forms.MultipleChoiceField(label=_("Kontor"), widget=forms.CheckboxSelectMultiple)
    opens_at = forms.DateTimeField(label=_("Åpner (ÅÅÅÅ-MM-DD TT:MM)"))
    closes_at = forms.DateTimeField(label=_("Stenger (ÅÅÅÅ-MM-DD TT:MM)"))
    vignettes = forms.CharField(
        label=_("Kasus (JSON-liste)"),
        widget=forms.Textarea(attrs={"rows": 14, "class": "aksel-textarea__input"}),
        initial=json.dumps(DEMO_VIGNETTES[:2], ensure_ascii=False, indent=1),
        help_text=_(
            "Hvert kasus: title, situation, needs, wishes og eventuelt reference med need_group, main_goal, "
            "requirement og measure_type. Ingen virkelige personer."
        ),
    )

    def __init__(self, *args, office_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offices"].choices = [(str(pk), name) for pk, name in office_choices]

    def clean_vignettes(self):
        try:
            data = json.loads(self.cleaned_data["vignettes"])
        except ValueError as exc:
            raise forms.ValidationError(_("Ikke gyldig JSON: %(e)s") % {"e": exc}) from None
        return data

    def clean_offices(self):
        return [int(x) for x in self.cleaned_data["offices"]]


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Kvitteringskode"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "aksel-text-field__input"}),
    )
