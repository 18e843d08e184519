"""Forms for the workbench and the client's own pages. They parse and give field-level messages;
the rules themselves live in services.py and rules.py (a ServiceError is mapped back onto the
form's fields by ``apply_service_error``)."""

from __future__ import annotations

import json

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from skreddersy.clients.models import FollowUpPeriod, MainGoal, NeedGroup
from skreddersy.core import languages, login, reference
from skreddersy.core.forms import apply_service_error  # noqa: F401  (the one mapping, used by every app)
from skreddersy.core.records import CONSENT_CATEGORIES, NOTE_CATEGORIES, RecordCategory
from skreddersy.followup import rules
from skreddersy.followup.models import Activity, Category, MeetingNote, Message, Task
from skreddersy.followup.overview import AGE_BANDS, PRIORITY_GROUPS, SORTS, STATUSES

INPUT = "aksel-text-field__input"
SELECT = "aksel-select__input"
TEXTAREA = "aksel-textarea__input"


class RequiredWhen:
    """A field a rule requires only for some values of another field (``controller``): for example a
    justification for every need group but standard. The form marks it required while the rule
    applies to the value on the page (no "(valgfritt)", aria-required), and static/skreddersy/forms.js
    follows the user's changes through the data attributes. The rule itself stays in rules.py or
    the service: this only says, on the page, what they will demand."""

    def __init__(self, controller: str, values):
        self.controller = controller
        self.values = frozenset(values)

    @property
    def values_attr(self) -> str:
        return " ".join(sorted(self.values))


class StyledForm(forms.Form):
    """Adds Aksel classes and aria-describedby for errors/help to every widget, and marks the fields
    a rule requires (``RequiredWhen``) as required while the rule applies."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            w = f.widget
            if isinstance(w, forms.Select):
                w.attrs.setdefault("class", SELECT)
            elif isinstance(w, forms.Textarea):
                w.attrs.setdefault("class", TEXTAREA)
                w.attrs.setdefault("rows", 4)
            elif isinstance(w, (forms.CheckboxInput, forms.RadioSelect, forms.HiddenInput)):
                pass
            else:
                w.attrs.setdefault("class", INPUT)
        self.mark_rules()

    def controller_value(self, name: str) -> str:
        """The value of ``name`` as the page shows it: the submitted one, else the initial one
        (a checked box reads "on", as a browser submits it)."""
        field = self.fields.get(name)
        if self.is_bound:
            if isinstance(field.widget, forms.CheckboxInput):
                return "on" if field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name)) else ""
            value = self.data.get(self.add_prefix(name), "")
        else:
            value = self.get_initial_for_field(field, name) if field is not None else ""
            if isinstance(value, bool):
                return "on" if value else ""
        return "" if value is None else str(value)

    def rule_applies(self, name: str) -> bool:
        rw = getattr(self.fields[name], "required_when", None)
        return rw is not None and self.controller_value(rw.controller) in rw.values

    def mark_rules(self) -> None:
        for name, f in self.fields.items():
            if getattr(f, "required_when", None) is None:
                continue
            f.rule_applies = self.rule_applies(name)
            if f.rule_applies:
                f.widget.attrs["aria-required"] = "true"
            else:
                f.widget.attrs.pop("aria-required", None)

    def full_clean(self):
        super().full_clean()
        for name in self._errors or {}:
            if name in self.fields:
                w = self.fields[name].widget
                w.attrs["aria-invalid"] = "true"
                w.attrs["aria-describedby"] = f"{name}-error"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


# --- login --------------------------------------------------------------------------------------

class ClientLoginForm(AuthenticationForm):
    """The client's own login (Min side): only client accounts get in here."""

    username = forms.CharField(label=_("Brukernavn"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "class": INPUT}))
    password = forms.CharField(label=_("Passord"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": INPUT}))
    error_messages = {
        "invalid_login": _("Feil brukernavn eller passord."),
        "inactive": _("Kontoen er deaktivert."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if getattr(user, "kind", None) != "client":
            # exactly what a wrong password gets (and counted as a failure): Min side never
            # confirms that a staff member's password is right
            login.refuse(self)
            raise self.get_invalid_login_error()


# --- overview -----------------------------------------------------------------------------------

class OverviewFilterForm(forms.Form):
    q = forms.CharField(label=_("Søk på navn eller fødselsnummer"), required=False, max_length=100)
    need_group = forms.ChoiceField(label=_("Innsatsgruppe"), required=False,
                                   choices=[("", _("Alle")), ("none", _("Uten vedtak"))] + list(NeedGroup.choices))
    priority = forms.ChoiceField(label=_("Prioritert gruppe"), required=False,
                                 choices=[("", _("Alle"))] + [(k, _(v)) for k, v in PRIORITY_GROUPS.items()])
    awaiting = forms.BooleanField(label=_("Venter på svar fra Nav"), required=False)
    deadline_7 = forms.BooleanField(label=_("Frist innen 7 dager"), required=False)
    no_contact_90 = forms.BooleanField(label=_("Ingen kontakt på 90 dager"), required=False)
    manual = forms.BooleanField(label=_("Manuell oppfølging"), required=False)
    sort = forms.ChoiceField(label=_("Sorter etter"), required=False, choices=[(k, _(v)) for k, v in SORTS.items()])
    scope = forms.ChoiceField(required=False, choices=[("mine", _("Mine brukere")), ("office", _("Hele kontoret"))])
    office = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    counsellor = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)  # overview.MAX_PAGE
    status = forms.ChoiceField(required=False, choices=[("", _("Alle"))] + [(k, _(v)) for k, v in STATUSES.items()])
    category = forms.ChoiceField(label=_("Kategori"), required=False, choices=[("", _("Alle"))] + list(Category.choices))
    age_band = forms.ChoiceField(label=_("Alder"), required=False,
                                 choices=[("", _("Alle"))] + [(k, _(v[0])) for k, v in AGE_BANDS.items()])
    language = forms.CharField(label=_("Språk (kode, f.eks. ar)"), required=False, max_length=8)
    interpreter = forms.BooleanField(label=_("Trenger tolk"), required=False)
    main_goal = forms.ChoiceField(label=_("Hovedmål"), required=False, choices=[("", _("Alle"))] + list(MainGoal.choices))
    activity_type = forms.ChoiceField(label=_("Aktivitetstype"), required=False,
                                      choices=[("", _("Alle"))] + list(Activity.Type.choices))
    followup_mode = forms.ChoiceField(label=_("Digital eller manuell"), required=False,
                                      choices=[("", _("Alle")), ("digital", _("Digital")), ("manual", _("Manuell"))])
    municipality = forms.CharField(label=_("Kommune"), required=False, max_length=100)
    measure_type = forms.ChoiceField(label=_("Tiltakstype"), required=False, choices=[("", _("Alle"))])

    def __init__(self, *args, measure_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure_type"].choices = [("", _("Alle")), *measure_types]


# --- § 14 a decisions and assessments --------------------------------------------------------------

def _need_group_choices():
    return [("", _("Velg innsatsgruppe"))] + list(NeedGroup.choices)


class ClientTextForm(StyledForm):
    """A form where a counsellor writes their own words for the client (a decision's justification,
    a requirement's consequence, a message). The product does not translate them: when the client's
    language or written standard differs from the text's (bokmål unless marked nynorsk), the form
    says so (``set_reader``) and offers to mark that an interpreter or a translated version is
    needed; the view stores the mark (``services.mark_language_need``). The texts named in
    ``PLAIN_LANGUAGE_FIELDS`` get the live plain-language check (core.plain_language)."""

    PLAIN_LANGUAGE_FIELDS: tuple[str, ...] = ()
    LANGUAGE_FIELDS = ("text_nynorsk", "language_need")

    text_nynorsk = forms.BooleanField(label=_("Teksten min er skrevet på nynorsk"), required=False)
    language_need = forms.ChoiceField(
        label=_("Trenger brukeren tolk eller en oversatt versjon av teksten?"), required=False,
        widget=forms.RadioSelect,
        choices=[("", _("Nei, send teksten slik den er")), ("interpreter", _("Ja, tolk")),
                 ("translation", _("Ja, oversatt versjon"))],
        help_text=_("Merket vises på brukersiden og i journalen til det er fulgt opp."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reader = None
        self.mismatch = None
        for name in self.PLAIN_LANGUAGE_FIELDS:
            f = self.fields[name]
            f.plain_language = True
            f.widget.attrs.update({
                "hx-post": reverse_lazy("plain_language_check"),
                "hx-trigger": "input changed delay:700ms, load",
                "hx-target": f"#klarsprak-{name}",
                "hx-swap": "innerHTML",
                "hx-vals": json.dumps({"plain_field": name}),
            })

    def __iter__(self):
        """The language fields are rendered by ``_language_mismatch.html``, not in the field loop."""
        for bf in super().__iter__():
            if bf.name not in self.LANGUAGE_FIELDS:
                yield bf

    def set_reader(self, client) -> None:
        """The client who will read the text: decides the warning the form shows."""
        self.reader = client
        standard = languages.NYNORSK if self.controller_value("text_nynorsk") else languages.BOKMAL
        self.mismatch = languages.text_mismatch(client_standard=client.written_standard,
                                                client_language=client.language, text_standard=standard)

    @property
    def shows_language(self) -> bool:
        return self.reader is not None and (
            self.mismatch is not None or self.reader.written_standard == languages.NYNORSK)

    def language_mark(self) -> dict:
        """What the view passes to ``services.mark_language_need`` (empty: nothing to mark)."""
        d = getattr(self, "cleaned_data", {}) or {}
        need = d.get("language_need") or ""
        if not need:
            return {}
        return {"need": need, "text_standard": languages.NYNORSK if d.get("text_nynorsk") else languages.BOKMAL}


def _main_goal_choices():
    return [("", _("Velg hovedmål"))] + list(MainGoal.choices)


class DecisionForm(ClientTextForm):
    PLAIN_LANGUAGE_FIELDS = ("justification",)

    need_group = forms.ChoiceField(label=_("Innsatsgruppe"), choices=_need_group_choices)
    main_goal = forms.ChoiceField(label=_("Hovedmål"), choices=_main_goal_choices,
                                  help_text=_("«Øke deltakelse» kan bare brukes med varig tilpasset innsats."))
    justification = forms.CharField(label=_("Begrunnelse"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
                                    help_text=_("Skriv slik at brukeren forstår hvorfor. Kreves for alle grupper unntatt standard innsats."))
    # The id is parsed here; whether it is one of this client's assessments is the service's to judge.
    assessment = forms.IntegerField(label=_("Arbeidsevnevurdering"), required=False, widget=forms.Select,
                                    help_text=_("Kreves for spesielt tilpasset og varig tilpasset innsats."))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, assessments=(), current_group: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_assessments(assessments)
        self.set_current_group(current_group)

    def set_current_group(self, current_group: str | None) -> None:
        """The rules of § 14 a as the page must show them: a justification for every group but
        standard (and for standard too when the client leaves a permanent group), an assessment for
        the groups that need reduced work capacity (rules.py decides both)."""
        groups = list(reference.need_groups())
        self.fields["justification"].required_when = RequiredWhen(
            "need_group", [g for g in groups if rules.requires_justification(g, current_group)])
        self.fields["assessment"].required_when = RequiredWhen(
            "need_group", [g for g in groups if rules.requires_assessment(g)])
        self.mark_rules()

    def set_assessments(self, assessments) -> None:
        self.fields["assessment"].widget.choices = [("", _("Ingen"))] + [
            (a.pk, f"{a.assessed_at:%d.%m.%Y}: " + (_("nedsatt arbeidsevne") if a.reduced_work_capacity else _("ikke nedsatt arbeidsevne")))
            for a in assessments
        ]


class ReturnDecisionForm(StyledForm):
    reason = forms.CharField(label=_("Hvorfor returneres vedtaket?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class AssessmentForm(StyledForm):
    resource_profile = forms.CharField(label=_("Ressursprofil"), widget=forms.Textarea(attrs={"rows": 6}),
                                       help_text=_("Ressurser og hindringer knyttet til arbeidsliv og hverdagsliv."))
    client_self_assessment = forms.CharField(label=_("Brukerens egenvurdering"), widget=forms.Textarea(attrs={"rows": 5}))
    reduced_work_capacity = forms.TypedChoiceField(
        label=_("Konklusjon"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", _("Nedsatt arbeidsevne")), ("no", _("Ikke nedsatt arbeidsevne"))],
    )


# --- needs mapping -----------------------------------------------------------------------------------

SEVERITY_CHOICES = [("", "–"), ("0", "0"), ("1", "1"), ("2", "2"), ("3", "3")]


class MappingForm(StyledForm):
    """One row per needs domain: the counsellor's and the client's view side by side."""

    note = forms.CharField(label=_("Merknad til denne versjonen"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, current=None, by_client: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_client = by_client
        prev = {e.domain: e for e in current.entries.all()} if current else {}
        self.domains = []
        for key, name in reference.needs_domains().items():
            p = prev.get(key)
            if not by_client:
                self.fields[f"{key}__counsellor"] = forms.TypedChoiceField(
                    label=_("Veileders vurdering"), required=False, choices=SEVERITY_CHOICES, coerce=int, empty_value=None,
                    initial=str(p.counsellor_severity) if p and p.counsellor_severity is not None else "")
            self.fields[f"{key}__client"] = forms.TypedChoiceField(
                label=_("Brukers egen vurdering"), required=False, choices=SEVERITY_CHOICES, coerce=int, empty_value=None,
                initial=str(p.client_severity) if p and p.client_severity is not None else "")
            self.fields[f"{key}__comment"] = forms.CharField(label=_("Kommentar"), required=False, max_length=500,
                                                             initial=p.comment if p else "")
            for side in ("counsellor", "client"):
                fname = f"{key}__{side}"
                if fname in self.fields:
                    self.fields[fname].widget.attrs["class"] = SELECT
            self.fields[f"{key}__comment"].widget.attrs["class"] = INPUT
            self.domains.append((key, name))

    def rows(self):
        for key, name in self.domains:
            yield {
                "key": key, "name": name,
                "counsellor": self[f"{key}__counsellor"] if not self.by_client else None,
                "client": self[f"{key}__client"],
                "comment": self[f"{key}__comment"],
            }

    def entries(self) -> dict[str, dict]:
        out = {}
        for key, _name in self.domains:
            e = {"client": self.cleaned_data.get(f"{key}__client"), "comment": self.cleaned_data.get(f"{key}__comment", "")}
            if not self.by_client:
                e["counsellor"] = self.cleaned_data.get(f"{key}__counsellor")
            if e.get("counsellor") is None and e["client"] is None and not e["comment"]:
                continue
            out[key] = e
        return out


# --- activities ----------------------------------------------------------------------------------------

LEGAL_BASIS_HINTS = [
    "folketrygdloven § 11-7 (AAP: aktivitetsplikt)",
    "folketrygdloven § 11-9 (AAP: reduksjon ved brudd)",
    "sosialtjenesteloven § 20 a (vilkår om aktivitet for unge under 30)",
    "folketrygdloven § 4-20 (dagpenger: meldeplikt og aktivitet)",
]


class ActivityForm(ClientTextForm):
    PLAIN_LANGUAGE_FIELDS = ("consequence", "description")

    title = forms.CharField(label=_("Tittel"), max_length=200)
    type = forms.ChoiceField(label=_("Type aktivitet"), choices=Activity.Type.choices)
    status = forms.ChoiceField(label=_("Status"), choices=Activity.Status.choices, required=False)
    description = forms.CharField(label=_("Beskrivelse"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    start_date = forms.DateField(label=_("Fra dato"), required=False, widget=DateInput)
    end_date = forms.DateField(label=_("Til dato"), required=False, widget=DateInput)
    is_requirement = forms.BooleanField(label=_("Dette er et aktivitetskrav"), required=False,
                                        help_text=_("Knyttet til en ytelse. Brukeren må godta kravet, og kravet må ha hjemmel og konsekvens."))
    legal_basis = forms.CharField(label=_("Hjemmel"), required=False, max_length=200,
                                  help_text=_("Kreves for aktivitetskrav. For eksempel folketrygdloven § 11-7."))
    consequence = forms.CharField(label=_("Hva skjer hvis kravet ikke følges? (enkle ord)"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("Skriv som til brukeren: «Hvis du ikke møter, kan vi stanse AAP for en periode.»"))
    measure_type = forms.ChoiceField(label=_("Tiltakstype"), required=False, choices=[("", _("Ingen (ikke et tiltak)"))],
                                     help_text=_("Bare for aktiviteter av typen tiltak."))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, measure_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure_type"].choices = [("", _("Ingen (ikke et tiltak)")), *measure_types]
        self.fields["legal_basis"].widget.attrs["list"] = "legal-basis-hints"
        for name in ("legal_basis", "consequence"):  # required for an activity requirement
            self.fields[name].required_when = RequiredWhen("is_requirement", ["on"])
        self.mark_rules()

    def clean(self):
        data = super().clean()
        s, e = data.get("start_date"), data.get("end_date")
        if s and e and e < s:
            self.add_error("end_date", _("Til-dato kan ikke være før fra-dato."))
        if data.get("is_requirement"):
            if not (data.get("legal_basis") or "").strip():
                self.add_error("legal_basis", _("Et aktivitetskrav må ha hjemmel (for eksempel folketrygdloven § 11-7)."))
            if not (data.get("consequence") or "").strip():
                self.add_error("consequence", _("Skriv med enkle ord hva som skjer hvis kravet ikke oppfylles."))
        if data.get("measure_type") and data.get("type") and data.get("type") != Activity.Type.MEASURE:
            self.add_error("measure_type", _("Bare et tiltak kan ha tiltakstype. Velg typen «Tiltak» eller ingen tiltakstype."))
        return data


class ClientActivityForm(StyledForm):
    """The client's own goal or activity: plain words, few fields."""

    title = forms.CharField(label=_("Hva vil du gjøre?"), max_length=200,
                            help_text=_("For eksempel: «Søke tre jobber i butikk» eller «Gå på norskkurs»."))
    type = forms.ChoiceField(label=_("Hva slags aktivitet er det?"), choices=[
        (Activity.Type.OWN, _("Mitt eget mål eller egen aktivitet")),
        (Activity.Type.JOB_APPLICATION, _("Søke jobb")),
        (Activity.Type.COURSE, _("Kurs eller skole")),
        (Activity.Type.TREATMENT, _("Behandling eller helse")),
        (Activity.Type.OTHER, _("Noe annet")),
    ])
    description = forms.CharField(label=_("Mer om det (valgfritt)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    end_date = forms.DateField(label=_("Når vil du være ferdig? (valgfritt)"), required=False, widget=DateInput)


# --- dialogue, notes, tasks ------------------------------------------------------------------------------

class ContactForm(StyledForm):
    channel = forms.ChoiceField(label=_("Hvordan var kontakten?"), choices=MeetingNote.Channel.choices, widget=forms.RadioSelect)
    held_at = forms.DateTimeField(label=_("Når"), required=False, widget=DateTimeInput,
                                  input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"])
    summary = forms.CharField(label=_("Referat"), widget=forms.Textarea(attrs={"rows": 6}))
    shared_with_client = forms.BooleanField(label=_("Del referatet med brukeren"), required=False, initial=True,
                                            help_text=_("Fjern haken bare for interne notater som brukeren ikke skal se."))
    # Time recorded with the work (issue 14): empty means the channel's usual time.
    minutes = forms.IntegerField(label=_("Minutter med brukeren"), required=False,
                                 help_text=_("Tom: vanlig tid for kanalen (møte 45, video 30, telefon 15, SMS 3)."))
    documentation_minutes = forms.IntegerField(label=_("Minutter dokumentasjon"), required=False,
                                               help_text=_("Tid brukt på å skrive referat og journal. Tom: vanlig tid."))
    category = forms.ChoiceField(label=_("Journalføres hos"), required=False, widget=forms.RadioSelect,
                                 choices=[(c.value, c.label) for c in NOTE_CATEGORIES],
                                 help_text=_("Kommunale referater (sosialtjenesten) ser statlig ansatte bare med brukerens samtykke."))

    def __init__(self, *args, note_categories=(), **kwargs):
        """``note_categories``: the sides the writer may file on (the policy's), own side first;
        with one side there is nothing to choose and the field is left out."""
        super().__init__(*args, **kwargs)
        if len(note_categories) < 2:
            del self.fields["category"]
        else:
            self.fields["category"].choices = [(c, RecordCategory(c).label) for c in note_categories]
            self.fields["category"].initial = note_categories[0]


class ReplyForm(StyledForm):
    body = forms.CharField(label=_("Svar"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class NewThreadForm(ClientTextForm):
    PLAIN_LANGUAGE_FIELDS = ("body",)

    subject = forms.CharField(label=_("Emne"), max_length=200)
    body = forms.CharField(label=_("Melding"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)


class ClientMessageForm(StyledForm):
    subject = forms.CharField(label=_("Hva gjelder det? (kort)"), max_length=200)
    body = forms.CharField(label=_("Din melding"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)


class RouteForm(forms.Form):
    route = forms.ChoiceField(choices=Message.Route.choices)


class NotificationPreferenceForm(StyledForm):
    """How the client is told that something waits on Min side (the service validates the details)."""

    channel = forms.ChoiceField(label=_("Varsel om nye meldinger"), widget=forms.RadioSelect,
                                choices=[("sms", _("SMS")), ("email", _("E-post")),
                                         ("none", _("Ingen varsel (jeg sjekker Min side selv)"))])
    phone = forms.CharField(label=_("Mobilnummer"), required=False, max_length=20)
    email = forms.CharField(label=_("E-post"), required=False, max_length=254)
    krr_reserved = forms.BooleanField(label=_("Reservert mot digital kontakt (KRR)"), required=False)

    def __init__(self, *args, by_client: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if by_client:  # the reservation comes from the register, not from the client's page
            del self.fields["krr_reserved"]


# --- the counsellor's own notes and the task inbox ---------------------------------------------------

class ReminderForm(StyledForm):
    note = forms.CharField(label=_("Huskelapp"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Bare du ser huskelappen."))
    deadline = forms.DateField(label=_("Frist"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class TaskNewForm(StyledForm):
    client = forms.IntegerField(label=_("Bruker"), widget=forms.Select)
    title = forms.CharField(label=_("Oppgave"), max_length=200)
    deadline = forms.DateTimeField(label=_("Frist"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                   input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"])
    kind = forms.ChoiceField(label=_("Type"), choices=Task.Kind.choices, initial=Task.Kind.OTHER)

    def __init__(self, *args, clients=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].widget.choices = [("", _("Velg bruker"))] + list(clients)


class ReassignForm(forms.Form):
    to = forms.IntegerField(label=_("Til kollega"))
    note = forms.CharField(label=_("Merknad"), max_length=500, required=False)


# --- caseloads handed out, registration and the client record -------------------------------------

class RegisterClientForm(StyledForm):
    """A new client. Address protection (kode 6/7) and skjermet are not here: they come from the
    population and employee registers (an administrator or an import sets them)."""

    office = forms.TypedChoiceField(label=_("Kontor"), coerce=int)
    fnr = forms.CharField(label=_("Fødselsnummer eller d-nummer"), max_length=13,
                          help_text=_("11 siffer."), widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    first_name = forms.CharField(label=_("Fornavn"), max_length=100)
    last_name = forms.CharField(label=_("Etternavn"), max_length=100)
    municipality = forms.CharField(label=_("Bostedskommune"), max_length=120)
    language = forms.CharField(label=_("Språk"), max_length=8, initial="nb", help_text=_("Språkkode, for eksempel nb, en, ar, so."))
    needs_interpreter = forms.BooleanField(label=_("Behov for tolk"), required=False)
    manual_followup = forms.BooleanField(label=_("Manuell oppfølging (ikke digital)"), required=False)
    immigrant_non_eea = forms.BooleanField(label=_("Innvandrer fra land utenfor EØS"), required=False)
    long_term_unemployed = forms.BooleanField(label=_("Langtidsledig"), required=False)
    reduced_work_capacity = forms.BooleanField(label=_("Nedsatt arbeidsevne"), required=False)

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [(o.pk, str(o)) for o in offices]


class ClientEditForm(StyledForm):
    first_name = forms.CharField(label=_("Fornavn"), max_length=100)
    last_name = forms.CharField(label=_("Etternavn"), max_length=100)
    municipality = forms.CharField(label=_("Bostedskommune"), max_length=120)
    language = forms.CharField(label=_("Foretrukket språk"), max_length=8,
                               help_text=_("Språkkode, for eksempel nb, en, ar, so; samisk: se (nordsamisk), smj "
                                           "(lulesamisk), sma (sørsamisk)."))
    written_standard = forms.ChoiceField(label=_("Målform"), choices=languages.WRITTEN_STANDARDS, widget=forms.RadioSelect,
                                         required=False,
                                         help_text=_("Min side, varsler og vedtaksbrevet vises på nynorsk når brukeren "
                                                     "har valgt nynorsk."))
    needs_interpreter = forms.BooleanField(label=_("Behov for tolk"), required=False)
    # Digital or manual follow-up is not here: it is switched with a reason on the periods page
    # (followup.periods.switch_mode); the page shows the current mode and links there.
    immigrant_non_eea = forms.BooleanField(label=_("Innvandrer fra land utenfor EØS"), required=False)
    long_term_unemployed = forms.BooleanField(label=_("Langtidsledig"), required=False)
    reduced_work_capacity = forms.BooleanField(label=_("Nedsatt arbeidsevne"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("written_standard"):
            data.pop("written_standard", None)  # not sent: the written standard stays as it is
        return data


class TransferForm(StyledForm):
    office = forms.TypedChoiceField(label=_("Nytt oppfølgingskontor"), coerce=int)
    reason = forms.CharField(label=_("Begrunnelse"), max_length=200, help_text=_("Står i journalen (ikke synlig for brukeren)."))

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", _("Velg kontor"))] + [(o.pk, str(o)) for o in offices]


class CoverForm(StyledForm):
    covered = forms.TypedChoiceField(label=_("Veileder som er borte"), coerce=int)
    covering = forms.TypedChoiceField(label=_("Kollega som dekker"), coerce=int)
    start = forms.DateField(label=_("Fra"), widget=DateInput())
    end = forms.DateField(label=_("Til og med"), widget=DateInput(), help_text=_("Dekningen slutter av seg selv etter denne dagen."))
    reason = forms.CharField(label=_("Merknad"), max_length=200, required=False)

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Velg"))] + [(s.pk, s.display_name) for s in staff]
        self.fields["covered"].choices = choices
        self.fields["covering"].choices = choices


class RuleForm(StyledForm):
    name = forms.CharField(label=_("Navn på regelen"), max_length=80, help_text=_("For eksempel «Ungdomsteamet» eller «Født 1.–15.»."))
    counsellor = forms.TypedChoiceField(label=_("Foreslått veileder"), coerce=int)
    position = forms.IntegerField(label=_("Rekkefølge"), min_value=0, max_value=999, initial=10,
                                  help_text=_("Den første regelen som passer, gir forslaget."))
    need_group = forms.ChoiceField(label=_("Innsatsgruppe"), required=False, choices=[("", _("Alle"))] + list(NeedGroup.choices))
    age_min = forms.IntegerField(label=_("Alder fra"), required=False, min_value=15, max_value=100)
    age_max = forms.IntegerField(label=_("Alder til og med"), required=False, min_value=15, max_value=100)
    language = forms.CharField(label=_("Språk"), max_length=8, required=False, help_text=_("Språkkode; tom betyr alle."))
    needs_interpreter = forms.BooleanField(label=_("Bare brukere med behov for tolk"), required=False)
    birth_day_from = forms.IntegerField(label=_("Fødselsdag fra"), required=False, min_value=1, max_value=31,
                                        help_text=_("Dag i måneden, 1–31."))
    birth_day_to = forms.IntegerField(label=_("Fødselsdag til og med"), required=False, min_value=1, max_value=31)

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counsellor"].choices = [("", _("Velg"))] + [(s.pk, s.display_name) for s in staff]


class SharingConsentForm(StyledForm):
    """Which of the client's records the other side of the office may see (clients.SharingConsent).
    On a counsellor's page the form also asks for the paper the consent was given on."""

    categories = forms.MultipleChoiceField(
        label=_("Opplysninger som kan deles"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(c.value, c.label) for c in CONSENT_CATEGORIES])
    on_paper = forms.BooleanField(label=_("Brukeren har gitt eller trukket tilbake samtykket skriftlig, og det er arkivert"),
                                  required=True)

    def __init__(self, *args, by_client: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if by_client:
            del self.fields["on_paper"]
            self.fields["categories"].label = _("Dette kan deles")


# --- issue 17: meetings, formal notice before a sanction, disagreement, own ratings -------------------

MEETING_MINUTES = [(15, _("15 minutter")), (30, _("30 minutter")), (45, _("45 minutter")), (60, _("1 time")),
                   (90, _("1,5 time")), (120, _("2 timer"))]


class MeetingForm(StyledForm):
    starts_at = forms.DateTimeField(label=_("Tidspunkt"), widget=DateTimeInput,
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"])
    minutes = forms.TypedChoiceField(label=_("Varighet"), choices=MEETING_MINUTES, coerce=int, initial=45)
    mode = forms.ChoiceField(label=_("Møteform"), choices=[("in_person", _("Oppmøte")), ("video", _("Video")),
                                                           ("phone", _("Telefon"))], widget=forms.RadioSelect, initial="in_person")
    place = forms.CharField(label=_("Sted"), max_length=200, required=False,
                            help_text=_("Kreves ved oppmøte. Ved video: lenken sendes i en melding; ved telefon: hvem ringer hvem."))
    participants = forms.CharField(label=_("Deltakere"), max_length=300, required=False,
                                   help_text=_("For eksempel tolk, arbeidsgiver eller fastlege, i tillegg til deg og brukeren."))
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 4}), max_length=3000,
                             help_text=_("Brukeren ser agendaen på Min side."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].conditional = True  # required for a meeting in person: never marked optional


class MeetingHeldForm(StyledForm):
    summary = forms.CharField(label=_("Referat"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)
    shared_with_client = forms.BooleanField(label=_("Del referatet med brukeren"), required=False, initial=True)


class NoticeForm(StyledForm):
    text = forms.CharField(label=_("Tekst til brukeren"), widget=forms.Textarea(attrs={"rows": 12}), max_length=10000,
                           help_text=_("Standardteksten for hjemmelen. Tilpass den til brukeren: enkle ord, hva som er "
                                       "registrert, og hva brukeren kan gjøre."))
    deadline = forms.DateField(label=_("Svarfrist"), widget=DateInput,
                               help_text=_("Forvaltningsloven § 16: brukeren skal få rimelig tid til å uttale seg (minst 7 dager)."))


class SanctionForm(StyledForm):
    reason = forms.CharField(label=_("Begrunnelse for innstillingen"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)


class NoticeResponseForm(StyledForm):
    response = forms.CharField(label=_("Ditt svar"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)


class DisagreeForm(StyledForm):
    body = forms.CharField(label=_("Hva er du uenig i, eller hva lurer du på?"), widget=forms.Textarea(attrs={"rows": 6}),
                           max_length=5000, error_messages={"required": _("Skriv hva du er uenig i eller lurer på.")})


# --- follow-up periods, digital or manual follow-up, KVP (issue 17, followup.periods) ---------------

class EndPeriodForm(StyledForm):
    reason = forms.ChoiceField(label=_("Hvorfor avsluttes oppfølgingen?"), widget=forms.RadioSelect,
                               choices=FollowUpPeriod.EndReason.choices,
                               error_messages={"required": _("Velg årsaken til at oppfølgingen avsluttes fra listen."),
                                               "invalid_choice": _("Velg årsaken til at oppfølgingen avsluttes fra listen.")})
    period = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ModeForm(StyledForm):
    manual = forms.TypedChoiceField(label=_("Oppfølging"), widget=forms.RadioSelect, coerce=lambda v: v == "manual",
                                    choices=[("digital", _("Digital (Min side, varsel på SMS eller e-post)")),
                                             ("manual", _("Manuell (brev og oppmøte, ikke Min side)"))],
                                    error_messages={"required": _("Velg digital eller manuell oppfølging.")})
    mode_reason = forms.CharField(label=_("Begrunnelse for byttet"), widget=forms.Textarea, max_length=2000,
                                  help_text=_("Står i journalen. Minst 10 tegn."),
                                  error_messages={"required": _("Skriv en begrunnelse for byttet.")})


class KvpStartForm(StyledForm):
    followers = forms.TypedMultipleChoiceField(
        label=_("Kommunalt ansatte som følger opp KVP"), coerce=int, widget=forms.CheckboxSelectMultiple,
        help_text=_("Bare de valgte (og brukeren) ser planen, referatene og dialogen mens KVP pågår."),
        error_messages={"required": _("Velg minst én kommunalt ansatt som skal følge opp KVP."),
                        "invalid_choice": _("Velg blant de kommunalt ansatte ved kontoret.")})
    kvp_reason = forms.CharField(label=_("Begrunnelse for KVP"), widget=forms.Textarea, max_length=2000,
                                 help_text=_("For eksempel vedtaket om kvalifiseringsprogram. Minst 10 tegn."),
                                 error_messages={"required": _("Skriv en begrunnelse for KVP.")})

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["followers"].choices = list(candidates)


class KvpEndForm(StyledForm):
    end_reason = forms.CharField(label=_("Begrunnelse for avslutning"), widget=forms.Textarea, max_length=2000,
                                 help_text=_("Minst 10 tegn."),
                                 error_messages={"required": _("Skriv en begrunnelse for avslutningen.")})
