"""Background work of the way in: sending a bulk invite's emails."""

from django_tasks import task

from hearth.growth import emails, services
from hearth.growth.models import BulkInvite


@task()
def send_bulk_invite(batch_id: int) -> int:
    batch = BulkInvite.objects.select_related("community", "created_by").filter(pk=batch_id).first()
    if batch is None:
        return 0
    return services.bulk_invite_send(
        batch, send=lambda row, invite: emails.send_invite_email(batch, row, invite)
    )
