"""The ``hearth`` command: Django's management commands under one name.

``hearth serve``, ``hearth migrate``, ``hearth demo``, ``hearth community create``,
``hearth createsuperuser``, ``hearth worker`` and ``hearth check --deploy`` are the ones an
operator needs; every other Django command works too."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "hearth"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
