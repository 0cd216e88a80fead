"""``notifications_created`` is sent after the commit that made notifications, with
``notifications`` (a list): live pages hook it to push the bell count (see
``selectors.unread_count``)."""

from django.dispatch import Signal

notifications_created = Signal()
