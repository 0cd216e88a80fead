"""Test settings: the real settings module in its ``test`` mode (fast hasher, locmem mail,
immediate tasks). Kept as a module so pytest-django can name it before Django starts."""

import os

os.environ["HEARTH_ENV"] = "test"

from hearth.settings import *  # noqa: E402,F403
