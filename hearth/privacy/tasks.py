"""Background work for a member's own data: building their archive, removing old ones."""

from datetime import datetime

from django_tasks import task

from hearth.privacy import services


@task()
def build_export(export_id: int) -> None:
    services.export_build(export_id=export_id)


def remove_expired_exports(now: datetime, slot: str) -> None:
    """Daily (registered in PrivacyConfig.ready): archives older than seven days go."""
    services.exports_expire(now=now)
