from django import forms
from django.utils.translation import gettext_lazy as _

from skreddersy.core import reference
from skreddersy.core.models import County
from skreddersy.followup.forms import StyledForm
from skreddersy.measures.models import MeasureType, Outcome, PriorityGroup


def _domain_choices():
    return [("", _("Alle behov"))] + list(reference.needs_domains().items())


def _group_choices():
    return [("", _("Alle innsatsgrupper"))] + [(k, reference.localized(v)) for k, v in reference.need_groups().items()]


def _type_choices():
    """Active measure types, named in the active language (core.reference.measure_type_name)."""
    rows = MeasureType.objects.filter(active=True).values_list("code", "name")
    return sorted(((c, reference.measure_type_name(c, n)) for c, n in rows), key=lambda r: r[1].casefold())


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Søk"), required=False, max_length=100)
    domain = forms.ChoiceField(label=_("Behov tiltaket dekker"), required=False)
    need_group = forms.ChoiceField(label=_("Innsatsgruppe"), required=False)
    type_code = forms.ChoiceField(label=_("Tiltakstype"), required=False)
    place = forms.CharField(label=_("Sted (kommune)"), required=False, max_length=120)
    county = forms.ModelChoiceField(label=_("Fylke"), queryset=County.objects.all(), required=False, empty_label=_("Alle fylker"))
    start_from = forms.DateField(label=_("Oppstart fra"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    start_to = forms.DateField(label=_("Oppstart til"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    free_only = forms.BooleanField(label=_("Bare med ledige plasser"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = _domain_choices()
        self.fields["need_group"].choices = _group_choices()
        self.fields["type_code"].choices = [("", _("Alle typer"))] + _type_choices()

    def clean(self):
        data = super().clean()
        if data.get("start_from") and data.get("start_to") and data["start_to"] < data["start_from"]:
            self.add_error("start_to", _("Til-dato kan ikke være før fra-dato."))
        return data


class ChooseForm(forms.Form):
    offering = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Hvorfor dette tilbudet?"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    waiting_list = forms.BooleanField(label=_("Sett på venteliste hvis fullt"), required=False, initial=True)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Begrunnelse"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class CompleteForm(forms.Form):
    ended_on = forms.DateField(label=_("Sluttdato"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class PreferenceForm(StyledForm):
    wanted_domains = forms.MultipleChoiceField(label=_("Bruker vil jobbe med"), required=False, widget=forms.CheckboxSelectMultiple)
    preferred_types = forms.MultipleChoiceField(label=_("Ønskede tiltakstyper"), required=False, widget=forms.CheckboxSelectMultiple)
    max_travel_km = forms.IntegerField(label=_("Maks reiseavstand (km)"), required=False, min_value=1, max_value=1000)
    preferred_language = forms.CharField(label=_("Foretrukket undervisningsspråk (kode)"), required=False, max_length=8)
    note = forms.CharField(label=_("Merknad"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wanted_domains"].choices = list(reference.needs_domains().items())
        self.fields["preferred_types"].choices = _type_choices()


class ExpectedFillForm(forms.Form):
    expected_filled = forms.IntegerField(label=_("Forventet fylt"), min_value=0)


class NationalTargetForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    measure_type = forms.ModelChoiceField(label=_("Tiltakstype"), queryset=MeasureType.objects.filter(active=True))
    priority_group = forms.ChoiceField(label=_("Prioritert gruppe"), required=False,
                                       choices=[("", _("Alle grupper"))] + list(PriorityGroup.choices))
    places = forms.IntegerField(label=_("Plasser"), min_value=0)
    budget = forms.IntegerField(label=_("Budsjett (kr)"), min_value=0)


class AllocationForm(forms.Form):
    parent = forms.IntegerField(widget=forms.HiddenInput)
    target_id = forms.IntegerField(label=_("Til (id)"))
    places = forms.IntegerField(label=_("Plasser"), min_value=0)
    budget = forms.IntegerField(label=_("Budsjett (kr)"), min_value=0)


class OutcomeForm(forms.Form):
    months = forms.TypedChoiceField(label=_("Tidspunkt"), choices=[(3, _("3 måneder")), (6, _("6 måneder"))], coerce=int)
    status = forms.ChoiceField(label=_("Status"), choices=Outcome.Status.choices)
