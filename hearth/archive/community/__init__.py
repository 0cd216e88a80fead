"""One community's full archive (``hearth export-community`` / ``hearth import-community``).

The archive is a zip of JSON lines:

- ``manifest.json``: format, Hearth's version, schema (applied migrations), when, which
  community, the row count of every file and the SHA-256 and size of every other member;
- ``users.jsonl``: each account the community's rows refer to, with its public profile and
  email address (so an import links to the same person's existing account) and never a
  password hash, session, social-login token or API key;
- ``data/<app>.<model>.jsonl``: every row of each community-owned table, in an order that
  imports parents before children, one ``{"pk": …, "fields": {…}}`` per line;
- ``files/media/…`` and ``files/private/…``: the uploads those rows name (logo, avatars,
  post images).

An import checks every checksum and the schema first, then writes everything in one
transaction: any damage (a bad line, a missing file) leaves the install as it was. Every id
is remapped, including the ids that the event log, notifications and trust bookkeeping keep
in plain integer columns and JSON. Derived tables (analytics rollups, the search index) are
not archived: the import recomputes them from what it imported."""

from hearth.archive.community.compare import normalized
from hearth.archive.community.export import export_community
from hearth.archive.community.importer import import_community
from hearth.archive.community.layout import archived_models

__all__ = ["archived_models", "export_community", "import_community", "normalized"]
