"""Forms for the toolkit: thin parsing. Numbers are read as text (Norwegian decimal commas
allowed) and checked by the engine, which names the field when a value is impossible."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import VARIABLES

TESTS = [
    ("welch", _("Welchs t (to grupper, ulike varianser)")),
    ("student", _("Students t (to grupper, like varianser)")),
    ("anova", _("Enveis variansanalyse (snitt, sd og n per gruppe)")),
    ("chi2", _("χ² fra krysstabell (med og uten Yates)")),
    ("fisher", _("Fishers eksakte test (2 × 2)")),
    ("proportions", _("Differanse mellom to andeler")),
]


def number(text: str):
    """'2,10' -> '2.10'; empty stays empty. The engine reports what cannot be read."""
    return (text or "").strip().replace("−", "-").replace(" ", "").replace(",", ".")


def _looks_numeric(text: str) -> bool:
    try:
        float(number(text))
    except ValueError:
        return False
    return True


def number_list(text: str) -> list[str]:
    parts = (text or "").replace(";", " ").replace("\t", " ").replace("\n", " ").split()
    return [number(p) for p in parts]


class CalculatorForm(forms.Form):
    test = forms.ChoiceField(label=_("Test"), choices=TESTS)
    mean1 = forms.CharField(label=_("Snitt gruppe 1"), required=False)
    sd1 = forms.CharField(label=_("Standardavvik gruppe 1"), required=False)
    n1 = forms.CharField(label=_("n gruppe 1"), required=False)
    mean2 = forms.CharField(label=_("Snitt gruppe 2"), required=False)
    sd2 = forms.CharField(label=_("Standardavvik gruppe 2"), required=False)
    n2 = forms.CharField(label=_("n gruppe 2"), required=False)
    groups_table = forms.CharField(
        label=_("Eller lim inn en tabell"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Én gruppe per linje: navn (valgfritt), snitt, standardavvik og n, for eksempel "
                    "«Statlig 3,21 1,02 61». To linjer gir t-test, flere gir variansanalyse."))
    means = forms.CharField(label=_("Snitt per gruppe (variansanalyse)"), required=False,
                            help_text=_("Skilt med mellomrom eller semikolon, for eksempel «2,1; 2,5; 2,9»."))
    sds = forms.CharField(label=_("Standardavvik per gruppe"), required=False)
    ns = forms.CharField(label=_("n per gruppe"), required=False)
    table = forms.CharField(label=_("Krysstabell (antall)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Én rad per linje, celler skilt med mellomrom, for eksempel «20 30» og «35 15»."))
    n = forms.CharField(label=_("Oppgitt N (valgfritt, kontrolleres mot tabellen)"), required=False)
    p1 = forms.CharField(label=_("Andel gruppe 1"), required=False)
    p2 = forms.CharField(label=_("Andel gruppe 2"), required=False)
    count1 = forms.CharField(label=_("Antall med egenskapen, gruppe 1 (i stedet for andel)"), required=False)
    count2 = forms.CharField(label=_("Antall med egenskapen, gruppe 2"), required=False)
    decimals = forms.CharField(label=_("Desimaler i de publiserte tallene (for avrundingsspennet)"), required=False)
    published = forms.CharField(label=_("Publisert verdi av statistikken (valgfritt, t, F eller z)"), required=False,
                                help_text=_("Sammenlignes med spennet avrundingen tillater."))

    def clean_published(self):
        raw = number(self.cleaned_data.get("published"))
        if not raw:
            return None
        try:
            return float(raw)
        except ValueError:
            raise forms.ValidationError(_("«%(v)s» er ikke et tall.") % {"v": raw[:20]}) from None

    def clean_groups_table(self) -> list[tuple[str, str, str]]:
        """Rows of (mean, sd, n) from a pasted table; a row that is not «[name] mean sd n» is
        refused with its line number."""
        rows = []
        for no, line in enumerate((self.cleaned_data.get("groups_table") or "").splitlines(), start=1):
            cells = line.replace(";", " ").replace("\t", " ").split()
            if not cells:
                continue
            values = cells[-3:]
            if len(values) < 3 or not all(_looks_numeric(v) for v in values):
                raise forms.ValidationError(_("Linje %(no)s: forventet «navn snitt sd n», fikk «%(line)s».")
                                            % {"no": no, "line": line.strip()[:60]})
            rows.append(tuple(number(v) for v in values))
        return rows

    def engine_call(self) -> tuple[str, dict]:
        """(test, keyword arguments for the engine) from cleaned data."""
        d = self.cleaned_data
        test = d["test"]
        dec = number(d.get("decimals")) or None
        pasted = d.get("groups_table") or []
        if len(pasted) == 2 and test in ("welch", "student"):
            (m1, s1, n1), (m2, s2, n2) = pasted
            return test, {"mean1": m1, "sd1": s1, "n1": n1, "mean2": m2, "sd2": s2, "n2": n2, "decimals": dec}
        if len(pasted) >= 2:
            return "anova", {"means": [r[0] for r in pasted], "sds": [r[1] for r in pasted],
                             "ns": [r[2] for r in pasted], "decimals": dec}
        if test in ("welch", "student"):
            return test, {k: number(d.get(k)) for k in ("mean1", "sd1", "n1", "mean2", "sd2", "n2")} | {"decimals": dec}
        if test == "anova":
            return test, {"means": number_list(d.get("means")), "sds": number_list(d.get("sds")),
                          "ns": number_list(d.get("ns")), "decimals": dec}
        if test in ("chi2", "fisher"):
            rows = [number_list(r) for r in (d.get("table") or "").splitlines() if r.strip()]
            return test, {"table": rows, "n": number(d.get("n")) or None}
        kw = {k: number(d.get(k)) or None for k in ("p1", "n1", "p2", "n2", "count1", "count2")}
        return test, kw | {"decimals": dec}


class CheckerForm(forms.Form):
    text = forms.CharField(label=_("Resultater (lim inn en hel resultatdel)"), max_length=200_000,
                           widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("For eksempel «t(45) = 2,10, p = ,041» eller «F(3, 1373) = 27.1, p < .001»."))


class WeightsForm(forms.Form):
    variables = forms.MultipleChoiceField(label=_("Vekt på"), choices=list(VARIABLES.items()), required=False,
                                          widget=forms.CheckboxSelectMultiple, initial=["size_band", "employer"])
    national = forms.CharField(label=_("Nasjonale andeler (valgfritt)"), required=False,
                               widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("Én linje per kategori: «variabel kategori andel», for eksempel "
                                           "«gender woman 0,62». Brukes i stedet for de inviterte."))
