from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    """Backups of the whole install and archives of one community (no models of its own)."""

    name = "hearth.archive"
    label = "archive"
