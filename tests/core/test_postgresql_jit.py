"""PostgreSQL's JIT is off for the product's connections (decision 0045): the overview's counters
statement is estimated expensive enough to be compiled on every request, which took 0.5-2 s at
national scale while running it takes some 30 ms."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT is PostgreSQL's; the PostgreSQL pass runs this"),
]


def test_the_connection_does_not_jit_compile():
    with connection.cursor() as cur:
        cur.execute("SHOW jit")
        assert cur.fetchone()[0] == "off"
