import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from skreddersy.followup import services
from tests import factories as f

JUSTIFICATION = "Du har fortalt at du vil tilbake til butikkarbeid, og at du treng litt hjelp med CV."


@pytest.fixture
def nynorsk(db):
    """A nynorsk client with a sent § 14 a decision, a requirement, a message and a login; a
    bokmål client beside them; their counsellor."""
    county = f.county("46")
    office = f.office(county, name="Nav Voss")
    counsellor = f.staff("counsellor", offices=[office])
    nn = f.client(office, counsellor, login=True, written_standard="nn")
    nb = f.client(office, counsellor, login=True)
    for c in (nn, nb):
        d = services.draft_decision(
            user=counsellor.user,
            client=c,
            need_group="SITUASJONSBESTEMT_INNSATS",
            main_goal="SKAFFE_ARBEID",
            justification=JUSTIFICATION,
        )
        services.submit_decision(user=counsellor.user, decision=d)
        services.add_activity(
            user=counsellor.user,
            client=c,
            title="Jobbklubb kvar tysdag",
            type="course",
            is_requirement=True,
            legal_basis="folketrygdloven § 11-7",
            consequence="Om du ikkje møter utan god grunn, kan AAP bli stansa ei stund.",
        )
        services.start_thread(user=counsellor.user, client=c, subject="Møte", body="Kan du kome på måndag?")
    decision_nn = nn.decisions.get(status="sent")
    return {
        "office": office,
        "counsellor": counsellor,
        "nn": nn,
        "nb": nb,
        "decision": decision_nn,
        "decision_nb": nb.decisions.get(status="sent"),
    }


def login(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def client_pages(world) -> list[str]:
    """Every page of Min side a client opens (GET), the decision letter among them."""
    act = world["nn"].activities.first() if hasattr(world["nn"], "activities") else None
    pages = [
        reverse("client_home"),
        reverse("client_activity_new"),
        reverse("client_message_new"),
        reverse("client_mapping"),
        reverse("client_sharing"),
        reverse("client_notification_preferences"),
        reverse("client_ratings"),
        reverse("own_access_log"),
        reverse("decision_letter", args=[world["decision"].pk]),
        reverse("accessibility_statement"),
    ]
    from skreddersy.followup.models import Activity

    act = Activity.objects.filter(plan__client=world["nn"]).first()
    if act is not None:
        pages.append(reverse("client_activity_disagree", args=[act.pk]))
    return pages
