"""PostgreSQL complaint import: partner references are checked once per partner, and still every one of them."""

import pytest
from django.conf import settings
from django.db import IntegrityError, connection

from partners.imports.writers import ComplaintsCopyWriter
from partners.models import ComplaintTicket

from .import_support import csv_file, run

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="the COPY path is PostgreSQL's"
    ),
]

HEADER = "ticket_id,partner_code,cooperation_type,received_on\n"


def _role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        return cursor.fetchone()[0]


def test_import_leaves_triggers_on_and_the_foreign_key_guarding_the_tickets(tmp_path, partner_a):
    path = csv_file(tmp_path, HEADER + "T1,PA,sales_channel,2026-03-01\nT2,PA,sales_channel,2026-03-02\n")
    result = run("complaints", path)
    assert result.ok and result.created == 2
    assert _role() == "origin"
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with pytest.raises(IntegrityError):
            cursor.execute("DELETE FROM partners_partner WHERE id = %s", [partner_a.pk])


def test_partner_deleted_between_validation_and_write_fails_the_import_and_writes_nothing(
    tmp_path, partner_a, partner_b, monkeypatch
):
    original = ComplaintsCopyWriter._report_duplicates

    def delete_partner_b_meanwhile(self, cursor):
        original(self, cursor)
        cursor.execute("DELETE FROM partners_partner WHERE id = %s", [partner_b.pk])

    monkeypatch.setattr(ComplaintsCopyWriter, "_report_duplicates", delete_partner_b_meanwhile)
    path = csv_file(tmp_path, HEADER + "T1,PA,sales_channel,2026-03-01\nT2,PB,sales_channel,2026-03-02\n")
    with pytest.raises(IntegrityError):
        run("complaints", path)
    assert not ComplaintTicket.objects.exists()
    assert _role() == "origin"


def test_a_trigger_on_the_ticket_table_keeps_the_per_row_path(tmp_path, partner_a):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_ticket_seen() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN NEW.province := 'seen'; RETURN NEW; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER test_ticket_seen BEFORE INSERT ON partners_complaintticket "
            "FOR EACH ROW EXECUTE FUNCTION test_ticket_seen()"
        )
    result = run("complaints", csv_file(tmp_path, HEADER + "T1,PA,sales_channel,2026-03-01\n"))
    assert result.ok
    assert ComplaintTicket.objects.get(ticket_id="T1").province == "seen"
