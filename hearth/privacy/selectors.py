from django.http import Http404

from hearth.privacy.models import DataExport, PrivacySettings


def latest_export(user) -> DataExport | None:
    return DataExport.objects.filter(user=user).order_by("-requested_at", "-id").first()


def export_for_owner(user, export_id: int) -> DataExport:
    """The member's own export, downloadable now; 404 for anyone else's, an expired one,
    or one not ready (absent and forbidden look alike)."""
    item = DataExport.objects.filter(pk=export_id, user=user).first()
    if item is None or not item.is_downloadable:
        raise Http404
    return item


def privacy_settings(community) -> PrivacySettings:
    """The community's choice, or the defaults (unsaved) when it never chose."""
    return PrivacySettings.objects.filter(community=community).first() or PrivacySettings(
        community=community
    )
