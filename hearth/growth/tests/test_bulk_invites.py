"""Bulk email invites: the CSV edge cases, the worker's sending, progress and report."""

import csv
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from hearth.communities.models import Invite
from hearth.growth.invite_csv import MAX_ROWS, read_invite_csv
from hearth.growth.models import BulkInvite, RowResult
from hearth.testing.factories import user_factory

pytestmark = pytest.mark.django_db


def upload(client, community, data: bytes, **fields):
    return client.post(
        f"/c/{community.slug}/manage/bulk-invites/",
        {"file": SimpleUploadedFile("people.csv", data, "text/csv"), **fields},
    )


class TestReadingTheFile:
    def test_a_bom_semicolons_and_a_header(self):
        rows = read_invite_csv("\ufeffName;Email\nAda;ada@example.org\n".encode())
        assert [(r.email, r.name, r.valid) for r in rows] == [("ada@example.org", "Ada", True)]

    def test_no_header_tabs_and_blank_lines(self):
        rows = read_invite_csv(b"bo@example.org\tBo\n\n\ncy@example.org\tCy\n")
        assert [(r.line, r.email, r.name) for r in rows] == [
            (1, "bo@example.org", "Bo"),
            (4, "cy@example.org", "Cy"),
        ]

    def test_bad_emails_are_rows_marked_invalid(self):
        rows = read_invite_csv(b'email\nnot-an-email\n=HYPERLINK("x")@x\nok@example.org\n')
        assert [r.valid for r in rows] == [False, False, True]

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"", "no one to invite"),
            (b"name\nAda\n", "No email column"),
            ("é@example.org".encode("latin-1"), "not UTF-8"),
            (b"x" * 1_000_001, "larger than"),
        ],
    )
    def test_unusable_files_are_refused_with_a_reason(self, data, message):
        with pytest.raises(ValidationError, match=message):
            read_invite_csv(data)

    def test_a_file_of_100000_rows_is_refused_whole(self):
        data = "".join(f"p{i}@ex.io\n" for i in range(100_000)).encode()
        assert len(data) < 1_000_000 * 2
        with pytest.raises(ValidationError, match=f"{MAX_ROWS:,}"):
            read_invite_csv(data[:999_000])  # under the byte cap: the row cap refuses it


class TestUploading:
    def test_sends_personal_invites_and_skips_duplicates_members_and_bad_rows(
        self, client, owner, community, member, django_capture_on_commit_callbacks
    ):
        client.force_login(owner)
        data = (
            "email,name\n"
            "ada@example.org,Ada\n"
            "ADA@example.org,Ada again\n"
            f"{member.email},Mel\n"
            "nope,Nobody\n"
            "bo@example.org,=cmd|' /C calc'!A0\n"
        ).encode()
        with django_capture_on_commit_callbacks(execute=True):  # the worker's turn
            response = upload(client, community, data, campaign="spring", message="Come and grow!")
        batch = BulkInvite.objects.get()
        assert response["Location"] == f"/c/{community.slug}/manage/bulk-invites/{batch.pk}/"
        results = dict(batch.rows.values_list("line", "result"))
        assert results == {
            2: RowResult.SENT,
            3: RowResult.DUPLICATE,
            4: RowResult.MEMBER,
            5: RowResult.INVALID,
            6: RowResult.SENT,
        }
        batch.refresh_from_db()
        assert (batch.status, batch.processed, batch.total) == ("done", 5, 5)
        assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "bo@example.org"]
        ada = next(m for m in mail.outbox if m.to == ["ada@example.org"])
        assert "Garden Club" in ada.subject and "Come and grow!" in ada.body
        invite = Invite.objects.get(pk=batch.rows.get(line=2).invite_id)
        assert (invite.max_uses, invite.source) == (1, "email")
        assert f"/c/garden/welcome?invite={invite.code}&utm_campaign=spring" in ada.body
        assert "text/html" in ada.alternatives[0][1]

        progress = client.get(response["Location"])
        assert progress.status_code == 200 and "5 of 5" in progress.content.decode()
        partial = client.get(response["Location"], headers={"HX-Request": "true"})
        assert "<html" not in partial.content.decode()

        report = client.get(f"{response['Location']}report.csv")
        rows = list(csv.reader(io.StringIO(report.content.decode())))
        assert rows[0] == ["line", "email", "name", "result"]
        assert rows[5] == ["6", "bo@example.org", "'=cmd|' /C calc'!A0", "Invite sent"]

    def test_a_huge_file_gets_a_clear_message_and_sends_nothing(self, client, owner, community):
        client.force_login(owner)
        data = "".join(f"p{i}@ex.io\n" for i in range(100_000)).encode()
        response = upload(client, community, data)
        assert response.status_code == 200
        assert "larger than 1 MB" in response.content.decode()
        assert not BulkInvite.objects.exists() and not mail.outbox

    def test_members_and_moderators_may_not(self, client, community, member, moderator):
        for person in (member, moderator):
            client.force_login(person)
            assert upload(client, community, b"a@example.org\n").status_code == 403
        assert not BulkInvite.objects.exists()

    def test_another_communitys_batch_is_not_found(self, client, owner, community):
        client.force_login(owner)
        upload(client, community, b"a@example.org\n")
        batch = BulkInvite.objects.get()
        stranger = user_factory()
        from hearth.testing.factories import community_factory

        other = community_factory(owner=stranger)
        client.force_login(stranger)
        url = f"/c/{other.slug}/manage/bulk-invites/{batch.pk}/"
        assert client.get(url).status_code == 404
        assert client.get(url + "report.csv").status_code == 404
