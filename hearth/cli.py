"""The ``hearth`` command: Django's management commands under one name.

``hearth serve``, ``hearth migrate``, ``hearth demo``, ``hearth community create``,
``hearth createsuperuser``, ``hearth worker``, ``hearth check --deploy``, ``hearth backup``,
``hearth restore``, ``hearth export-community``, ``hearth import-community``,
``hearth import-discourse`` and ``hearth reencrypt-secrets`` (after rotating
``HEARTH_SECRETS_KEY``) are the ones an operator needs; every other Django command works
too (a dash in a command's name is read as an underscore)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "hearth"
    # `hearth export-community` runs the export_community command.
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
