"""Every membership has a profile: create them for the memberships that existed before."""

from django.db import migrations
from django.utils import timezone


def backfill(apps, schema_editor):
    Membership = apps.get_model("communities", "Membership")
    MemberProfile = apps.get_model("members", "MemberProfile")
    now = timezone.now()
    batch = []
    for m in Membership.objects.filter(profile__isnull=True).iterator(chunk_size=2000):
        batch.append(
            MemberProfile(
                membership_id=m.pk,
                community_id=m.community_id,
                user_id=m.user_id,
                last_active_at=m.joined_at or m.requested_at or now,
            )
        )
        if len(batch) >= 2000:
            MemberProfile.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    MemberProfile.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
