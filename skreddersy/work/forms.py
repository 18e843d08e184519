"""Forms for work with employers and job specialists: they parse input; the rules live in the
services (a ServiceError is put back on the form with core.forms.apply_service_error)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from skreddersy.followup.forms import StyledForm
from skreddersy.work.models import PHASE_ORDER, EmployerContact, FollowAlong, IpsCase, JobProfile, JobStart

DATE = forms.DateInput(attrs={"type": "date"})
SHARE_CHOICES = [("work_experience", _("Arbeidserfaring")), ("education", _("Utdanning")), ("skills", _("Ferdigheter")),
                 ("wishes", _("Ønsker")), ("hours", _("Ønsket arbeidstid"))]
assert {k for k, _ in SHARE_CHOICES} == set(JobProfile.SHAREABLE)


class EmployerSearchForm(StyledForm):
    q = forms.CharField(label=_("Søk på navn eller organisasjonsnummer"), required=False, max_length=200)


class EmployerForm(StyledForm):
    orgnr = forms.CharField(label=_("Organisasjonsnummer"), max_length=20, help_text=_("Ni sifre, som i Enhetsregisteret."))
    name = forms.CharField(label=_("Navn"), max_length=200)
    municipality = forms.CharField(label=_("Kommune"), max_length=120)
    sector = forms.ChoiceField(label=_("Sektor"), choices=[("private", _("Privat")), ("public", _("Offentlig")),
                                                           ("voluntary", _("Frivillig / ideell"))])
    adaptations = forms.CharField(label=_("Tilrettelegging arbeidsgiveren kan tilby"), widget=forms.Textarea, required=False)


class ContactForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kontaktform"), choices=EmployerContact.Kind.choices)
    purpose = forms.ChoiceField(label=_("Formål"), choices=EmployerContact.Purpose.choices)
    outcome = forms.ChoiceField(label=_("Utfall"), choices=EmployerContact.Outcome.choices)
    field_minutes = forms.IntegerField(label=_("Minutter ute av kontoret"), required=False, min_value=0, max_value=720,
                                       help_text=_("Reise og tid hos arbeidsgiveren. Teller mot målet om 40 % tid ute."))
    note = forms.CharField(label=_("Notat"), widget=forms.Textarea, required=False)


class ContactPersonForm(StyledForm):
    name = forms.CharField(label=_("Navn"), max_length=200)
    role = forms.CharField(label=_("Rolle"), max_length=120, required=False)
    phone = forms.CharField(label=_("Telefon"), max_length=20, required=False)
    email = forms.CharField(label=_("E-post"), max_length=254, required=False)


class VacancyForm(StyledForm):
    title = forms.CharField(label=_("Stillingstittel"), max_length=200)
    hours_per_week = forms.CharField(label=_("Timer per uke"), max_length=6)
    requirements = forms.CharField(label=_("Krav"), widget=forms.Textarea, required=False)
    deadline = forms.DateField(label=_("Søknadsfrist"), required=False, widget=DATE)


class ReferForm(StyledForm):
    specialist = forms.TypedChoiceField(label=_("Jobbspesialist"), coerce=int, choices=[])
    over_cap_reason = forms.CharField(label=_("Grunn dersom jobbspesialisten er over taket"), max_length=300, required=False)

    def __init__(self, *args, specialists=(), cap=20, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].choices = [(s.pk, f"{s.display_name} ({s.open}/{cap})") for s in specialists]


class PhaseForm(StyledForm):
    to_phase = forms.ChoiceField(label=_("Ny fase"), choices=[])
    end_reason = forms.ChoiceField(label=_("Avslutningsgrunn (bare ved avslutning)"), required=False,
                                   choices=[("", "—")] + list(IpsCase.EndReason.choices))
    reason = forms.CharField(label=_("Kommentar"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, phases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_phase"].choices = list(phases)


class DisclosureForm(StyledForm):
    disclosure_may_tell = forms.CharField(label=_("Dette kan fortelles arbeidsgiveren"), widget=forms.Textarea, required=False)
    disclosure_not_tell = forms.CharField(label=_("Dette skal ikke fortelles"), widget=forms.Textarea, required=False)
    disclosure_agreed_on = forms.DateField(label=_("Avtalt med brukeren"), widget=DATE, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class StartForm(StyledForm):
    employer = forms.CharField(label=_("Arbeidsgiver (organisasjonsnummer)"), max_length=20, required=False)
    job_title = forms.CharField(label=_("Stilling"), max_length=200)
    start_date = forms.DateField(label=_("Startdato"), widget=DATE)
    hours_per_week = forms.CharField(label=_("Timer per uke"), max_length=6)
    wage_type = forms.ChoiceField(label=_("Lønn"), choices=JobStart.WageType.choices)
    subsidy_plan = forms.CharField(label=_("Nedtrapping av lønnstilskudd"), required=False, max_length=200,
                                   help_text=_("Fra måned og prosent, for eksempel «0:60, 6:40, 12:20». Bare ved lønnstilskudd."))

    def clean_subsidy_plan(self):
        text = self.cleaned_data.get("subsidy_plan", "").strip()
        if not text:
            return []
        plan = []
        for part in text.split(","):
            month, _sep, percent = part.strip().partition(":")
            if not _sep:
                raise forms.ValidationError(_("Skriv hvert trinn som måned:prosent, for eksempel 0:60."))
            plan.append({"from_month": month.strip(), "percent": percent.strip().rstrip("%").strip()})
        return plan


class FollowAlongDoneForm(StyledForm):
    note = forms.CharField(label=_("Notat"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    field_minutes = forms.IntegerField(label=_("Minutter ute av kontoret"), required=False, min_value=0, max_value=720)


class FollowAlongPlanForm(StyledForm):
    kind = forms.ChoiceField(label=_("Type"), choices=FollowAlong.Kind.choices)
    planned_on = forms.DateField(label=_("Dato"), widget=DATE)


class CheckpointForm(StyledForm):
    month = forms.TypedChoiceField(label=_("Måneder etter start"), coerce=int, choices=[(m, m) for m in (3, 6, 12, 18)])
    still_working = forms.TypedChoiceField(label=_("Fortsatt i arbeid?"), coerce=lambda v: v == "1",
                                           choices=[("1", _("Ja")), ("0", _("Nei"))], widget=forms.RadioSelect)
    hours_per_week = forms.CharField(label=_("Timer per uke"), max_length=6, required=False)
    job_title = forms.CharField(label=_("Stilling nå"), max_length=200, required=False)


class ProfileForm(StyledForm):
    work_experience = forms.CharField(label=_("Arbeidserfaring"), widget=forms.Textarea, required=False)
    education = forms.CharField(label=_("Utdanning"), widget=forms.Textarea, required=False)
    skills = forms.CharField(label=_("Ferdigheter"), widget=forms.Textarea, required=False)
    wishes = forms.CharField(label=_("Ønsker"), widget=forms.Textarea, required=False)
    hours_per_week = forms.CharField(label=_("Ønsket timer per uke"), max_length=6, required=False)
    share = forms.MultipleChoiceField(label=_("Brukeren samtykker til å dele med arbeidsgiver"), choices=SHARE_CHOICES,
                                      required=False, widget=forms.CheckboxSelectMultiple)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PresentForm(StyledForm):
    employer = forms.CharField(label=_("Arbeidsgiver (organisasjonsnummer)"), max_length=20)
    step = forms.ChoiceField(widget=forms.HiddenInput, choices=[("assess", "assess"), ("consent", "consent"), ("present", "present")])
    suitable = forms.TypedChoiceField(label=_("Egnet?"), coerce=lambda v: v == "1", required=False,
                                      choices=[("1", _("Egnet")), ("0", _("Ikke egnet"))], widget=forms.RadioSelect)
    reasoning = forms.CharField(label=_("Vurdering"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    shared = forms.MultipleChoiceField(label=_("Del fra jobbprofilen"), choices=SHARE_CHOICES, required=False,
                                       widget=forms.CheckboxSelectMultiple)

    def clean(self):
        data = super().clean()
        if data.get("step") == "assess" and data.get("suitable") in (None, ""):
            self.add_error("suitable", _("Oppgi om kandidaten er egnet."))
        return data


class SettingsForm(StyledForm):
    caseload_cap = forms.IntegerField(label=_("Maks kandidater per jobbspesialist"), min_value=1, max_value=60)
    job_starts_target = forms.IntegerField(label=_("Mål for jobbstarter per jobbspesialist per år"), min_value=0, max_value=100)


PHASES = PHASE_ORDER
