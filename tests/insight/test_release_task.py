"""The worker's periodic task releases sealed answers as the command does: a batch of five for an
office once five are sealed, nothing for fewer."""

import pytest
from django.conf import settings

from skreddersy.insight import services
from skreddersy.insight.models import PendingResponse, Response
from skreddersy.insight.tasks import release_pending_responses

from .conftest import token_of

pytestmark = pytest.mark.django_db


def test_the_periodic_task_releases_a_batch_of_five_and_holds_fewer(wave, people):
    assert "skreddersy.insight.tasks.release_pending_responses" in settings.PERIODIC_TASKS
    a_staff = people["counsellors_a"] + [people["leader_a"]]
    for i, s in enumerate(a_staff[:4]):
        services.submit_response(token=token_of(wave, s), answers={"ind_tailored": i % 5}, background={})
    assert release_pending_responses.call() == 0 and Response.objects.count() == 0
    services.submit_response(token=token_of(wave, a_staff[4]), answers={"ind_tailored": 1}, background={})
    assert release_pending_responses.call() == 5
    assert Response.objects.filter(office=people["a"]).count() == 5 and PendingResponse.objects.count() == 0
