"""The dashboard's early reads: on their own connections outside a transaction on
PostgreSQL, in order on the calling thread otherwise; the same results either way."""

import threading

import pytest
from django.db import connection, transaction

from hearth.analytics.parallel_reads import Reads
from hearth.communities.models import Community


def read_slug(pk: int) -> tuple[int, str]:
    return threading.get_ident(), Community.objects.get(pk=pk).slug


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_postgresql_reads_on_another_thread(community):
    with Reads() as reads:
        later = reads.start(read_slug, community.pk)
        thread, slug = later.result()
    assert slug == community.slug
    assert (thread != threading.get_ident()) == (connection.vendor == "postgresql")


def test_inside_a_transaction_reads_run_here_and_see_its_writes(db, community):
    with transaction.atomic():
        Community.objects.filter(pk=community.pk).update(slug="renamed-here")
        with Reads() as reads:
            thread, slug = reads.start(read_slug, community.pk).result()
    assert (thread, slug) == (threading.get_ident(), "renamed-here")


def test_a_failing_read_raises_where_its_result_is_asked_for(db):
    def fail():
        raise LookupError("no such thing")

    with Reads() as reads:
        later = reads.start(fail)
        with pytest.raises(LookupError, match="no such thing"):
            later.result()
