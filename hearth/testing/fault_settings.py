"""Settings of the worker and web processes that fault tests start and kill
(hearth/testing/faults.py): the embedded settings, with mail as files under
``$HEARTH_FAULT_DIR/mail`` and the pause points installed."""

import os

from hearth.settings import *  # noqa: F403
from hearth.settings import MIDDLEWARE

EMAIL_BACKEND = "hearth.testing.faults.PausingEmailBackend"
EMAIL_FILE_PATH = os.path.join(os.environ["HEARTH_FAULT_DIR"], "mail")
MIDDLEWARE = [*MIDDLEWARE, "hearth.testing.faults.PauseInsideReplies"]
HEARTH_POSTING_LIMITS = False
