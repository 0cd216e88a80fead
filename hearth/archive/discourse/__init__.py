"""Importing a Discourse backup into a Hearth community (``hearth import-discourse``).

What is read (see dump.py for how): users (with their primary
email and profile bio), categories, regular topics and their posts, likes, and the images
posts and avatars use. What
comes out is an ordinary community, as if its members had posted here:

- **accounts** (name, bio, uploaded avatar): a Discourse account whose email Discourse
  had confirmed is linked to the Hearth account holding that address *verified*; every
  other one gets a new account without a usable password (its owner sets one with
  "Forgot password"). System accounts
  (id <= 0: ``system``, ``discobot``) become no account: what they wrote keeps no author.
  Staged accounts (people who only wrote by email) and accounts that never confirmed
  their address become accounts only if they wrote something imported, and not members;
- **members** keep their role (admin, moderator), trust level, and the date they joined;
  a Discourse suspension still running becomes a timed ban;
- **categories** keep their names, colours, order and descriptions; a subcategory becomes
  a category of its own named "Parent › Child" (Hearth categories do not nest); a
  category Discourse restricted to groups becomes staff-only;
- **topics and posts** keep their times, numbers, authors, replies-to, pinned/closed/
  archived state; posts deleted or hidden after flags come in deleted (staff see and
  can restore them); whispers and "small action" posts are left out;
- **likes** become ❤️ reactions;
- the **interaction event log** gets what the services would have recorded (joins, new
  topics, replies, mentions, reactions) at the historical times, so the health dashboard
  and trust levels see the community's past; then the counters, the search index, the
  analytics rollups and trust activity are recomputed, and the cursors of notifications
  and webhooks are moved past the imported history so nobody is emailed about a reply from
  three years ago.

Everything is written in one transaction: a backup that fails anywhere leaves the install
as it was."""

from hearth.archive.discourse.importer import import_discourse
from hearth.archive.discourse.state import Summary

__all__ = ["Summary", "import_discourse"]
