"""A small synthetic Discourse backup for the import-discourse tests: a tar.gz holding a
pg_dump with COPY blocks, escapes, NULLs, a deleted post, a private message, a subcategory,
non-ASCII text and uploads, built by :func:`make_backup` (or just its SQL, :func:`dump_sql`)."""

# The dump's rows are tables of data, one row a line, as wide as Discourse's own.
# ruff: noqa: E501

import gzip
import hashlib
import io
import tarfile

from PIL import Image

N = r"\N"

# Columns as Discourse has them (app/models/*.rb schema annotations), including some the
# importer ignores, in an order of Discourse's own.
USERS = (
    "id", "username", "created_at", "updated_at", "name", "password_hash", "active",
    "username_lower", "admin", "trust_level", "moderator", "suspended_till", "staged",
    "silenced_till",
)  # fmt: skip
USER_ROWS = [
    ("-1", "system", "2020-01-01 00:00:00", "2020-01-01 00:00:00", "system", N, "t", "system", "t", "4", "t", N, "f", N),
    ("-2", "discobot", "2020-01-01 00:00:00", "2020-01-01 00:00:00", N, N, "t", "discobot", "f", "4", "t", N, "f", N),
    ("1", "alice", "2021-03-01 10:00:00", "2021-03-01 10:00:00", "Alice Ærø", "x", "t", "alice", "t", "4", "f", N, "f", N),
    ("2", "björn", "2021-03-02 11:00:00.5", "2021-03-02 11:00:00", "Björn Ångström", "x", "t", "björn", "f", "2", "f", N, "f", N),
    ("3", "carol", "2021-03-03 12:00:00", "2021-03-03 12:00:00", "Carol", "x", "t", "carol", "f", "3", "t", N, "f", N),
    ("4", "dave", "2021-03-04 12:00:00", "2021-03-04 12:00:00", "Dave", "x", "t", "dave", "f", "1", "f", "2999-01-01 00:00:00", "f", N),
    ("5", "emil", "2021-03-05 12:00:00", "2021-03-05 12:00:00", N, N, "f", "emil", "f", "0", "f", N, "t", N),
    ("6", "frank", "2021-03-06 12:00:00", "2021-03-06 12:00:00", "Frank", "x", "t", "frank", "f", "1", "f", N, "f", N),
    ("7", "gina", "2021-03-07 12:00:00", "2021-03-07 12:00:00", "Gina", "x", "t", "gina", "f", "1", "f", N, "f", N),
    ("8", "admin", "2021-03-08 12:00:00", "2021-03-08 12:00:00", "Admin", "x", "t", "admin", "f", "1", "f", N, "f", N),
    ("9", "ghost", "2021-03-09 12:00:00", "2021-03-09 12:00:00", "Never confirmed", "x", "f", "ghost", "f", "0", "f", N, "f", N),
]  # fmt: skip
EMAILS = ("id", "user_id", "email", "primary", "created_at", "updated_at", "normalized_email")
EMAIL_ROWS = [
    ("1", "-1", "no_email", "t", "2020-01-01", "2020-01-01", N),
    ("2", "1", "alice@example.org", "t", "2021-03-01", "2021-03-01", N),
    ("3", "1", "alice.old@example.org", "f", "2021-03-01", "2021-03-01", N),
    ("4", "2", "bjorn@example.org", "t", "2021-03-01", "2021-03-01", N),
    ("5", "3", "carol@example.org", "t", "2021-03-01", "2021-03-01", N),
    ("6", "4", "dave@example.org", "t", "2021-03-01", "2021-03-01", N),
    ("7", "5", "emil@example.org", "t", "2021-03-01", "2021-03-01", N),
    ("8", "6", "Frank@Example.org", "t", "2021-03-01", "2021-03-01", N),
    ("9", "7", "gina@example.org", "t", "2021-03-01", "2021-03-01", N),
    ("10", "8", "admin8@example.org", "t", "2021-03-01", "2021-03-01", N),
]  # fmt: skip
PROFILES = ("user_id", "location", "website", "bio_raw", "bio_cooked", "views")
PROFILE_ROWS = [
    ("1", "Oslo", N, r"Line one\nLine two\twith a tab", "<p>…</p>", "3"),
    ("2", N, N, N, N, "0"),
]
CATEGORIES = (
    "id", "name", "color", "topic_id", "topic_count", "created_at", "updated_at", "user_id",
    "slug", "description", "text_color", "read_restricted", "position", "parent_category_id",
)  # fmt: skip
CATEGORY_ROWS = [
    ("1", "Uncategorized", "0088CC", N, "0", "2021-01-01 00:00:00", "2021-01-01", "-1", "uncategorized", N, "FFFFFF", "f", "0", N),
    ("2", "General", "25AAE2", N, "1", "2021-01-01 00:00:00", "2021-01-01", "1", "general", "<p>Talk &amp; chat</p>", "FFFFFF", "f", "1", N),
    ("3", "Support", "F7941D", "10", "0", "2021-01-01 00:00:00", "2021-01-01", "1", "support", "Ask for help", "FFFFFF", "f", "2", N),
    ("4", "Hardware", "BF1E2E", N, "1", "2021-01-01 00:00:00", "2021-01-01", "1", "hardware", N, "FFFFFF", "f", "3", "3"),
    ("5", "Staff", "E45735", N, "1", "2021-01-01 00:00:00", "2021-01-01", "1", "staff", "<p>Private</p>", "FFFFFF", "t", "4", N),
    ("6", "Café ☕", "zzz", N, "0", "2021-01-01 00:00:00", "2021-01-01", "1", "", N, "FFFFFF", "f", "5", N),
]  # fmt: skip
TOPICS = (
    "id", "title", "last_posted_at", "created_at", "updated_at", "views", "posts_count",
    "user_id", "last_post_user_id", "deleted_at", "highest_post_number", "category_id",
    "visible", "closed", "archived", "bumped_at", "archetype", "pinned_at", "subtype", "slug",
)  # fmt: skip
TOPIC_ROWS = [
    ("10", "About the Support category", N, "2021-01-01 00:00:00", "2021-01-01", "0", "1", "-1", "-1", N, "1", "3", "t", "f", "f", "2021-01-01", "regular", "2021-01-01", N, "about-the-support-category"),
    ("11", "Hello — ünïcødé title", N, "2021-04-01 09:00:00", "2021-04-01", "10", "5", "1", "5", N, "5", "2", "t", "f", "f", "2021-04-01", "regular", "2021-04-02 00:00:00", N, "hello"),
    ("12", "My GPU is on fire", N, "2021-04-05 09:00:00", "2021-04-05", "3", "2", "2", "1", N, "2", "4", "t", "t", "f", "2021-04-05", "regular", N, N, "gpu"),
    ("13", "A private word", N, "2021-04-06 09:00:00", "2021-04-06", "1", "1", "1", "1", N, "1", N, "t", "f", "f", "2021-04-06", "private_message", N, "user_to_user", "pm"),
    ("14", "Spam that was deleted", N, "2021-04-07 09:00:00", "2021-04-07", "1", "1", "4", "4", "2021-04-07 10:00:00", "1", "2", "f", "f", "f", "2021-04-07", "regular", N, N, "spam"),
    ("15", "Staff room", N, "2021-04-08 09:00:00", "2021-04-08", "1", "1", "3", "3", N, "1", "5", "t", "f", "f", "2021-04-08", "regular", N, N, "staff-room"),
]  # fmt: skip
POSTS = (
    "id", "user_id", "topic_id", "post_number", "raw", "cooked", "created_at", "updated_at",
    "reply_to_post_number", "reply_count", "deleted_at", "post_type", "hidden", "user_deleted",
)  # fmt: skip
POST_ROWS = [
    ("100", "-1", "10", "1", "Use this category for support.", "<p/>", "2021-01-01 00:00:00", "2021-01-01", N, "0", N, "1", "f", "f"),
    ("101", "1", "11", "1", r"Welcome!\n\nPaths look like `C:\\temp\\new` and\ta tab. Ünïcødé: 日本語 🎉", "<p/>", "2021-04-01 09:00:00", "2021-04-01", N, "1", N, "1", "f", "f"),
    ("102", "2", "11", "2", r"Thanks @alice, glad to be here.", "<p/>", "2021-04-01 10:00:00", "2021-04-01", "1", "0", N, "1", "f", "f"),
    ("103", "3", "11", "3", "This was rude.", "<p/>", "2021-04-01 11:00:00", "2021-04-01", N, "0", "2021-04-01 12:00:00", "1", "f", "f"),
    ("104", "-1", "11", "4", "", "<p/>", "2021-04-01 12:00:00", "2021-04-01", N, "0", N, "3", "f", "f"),
    ("105", "5", "11", "5", r'[quote="björn, post:2, topic:11"]\nglad to be here\n[/quote]\nMe too, by email.', "<p/>", "2021-04-02 08:00:00", "2021-04-02", "2", "0", N, "1", "f", "f"),
    ("106", "2", "12", "1", "It smells of **smoke**.", "<p/>", "2021-04-05 09:00:00", "2021-04-05", N, "0", N, "1", "f", "f"),
    ("107", "1", "12", "2", "Unplug it now.", "<p/>", "2021-04-05 09:30:00", "2021-04-05", "1", "0", N, "1", "f", "f"),
    ("108", "1", "13", "1", "secret pm text", "<p/>", "2021-04-06 09:00:00", "2021-04-06", N, "0", N, "1", "f", "f"),
    ("109", "4", "14", "1", "buy cheap watches", "<p/>", "2021-04-07 09:00:00", "2021-04-07", N, "0", "2021-04-07 10:00:00", "1", "f", "f"),
    ("110", "3", "15", "1", "Only staff read this.", "<p/>", "2021-04-08 09:00:00", "2021-04-08", N, "0", N, "1", "f", "f"),
    ("111", "3", "15", "2", "A whisper.", "<p/>", "2021-04-08 10:00:00", "2021-04-08", N, "0", N, "4", "f", "f"),
]  # fmt: skip
ACTIONS = (
    "id", "post_id", "user_id", "post_action_type_id", "deleted_at", "created_at", "updated_at",
    "deleted_by_id", "related_post_id", "staff_took_action", "targets_topic",
)  # fmt: skip
ACTION_ROWS = [
    ("1", "101", "3", "2", N, "2021-04-01 13:00:00", "2021-04-01", N, N, "f", "f"),
    ("2", "101", "2", "2", N, "2021-04-01 14:00:00", "2021-04-01", N, N, "f", "f"),
    ("3", "106", "1", "2", N, "2021-04-05 09:10:00", "2021-04-05", N, N, "f", "f"),
    ("4", "106", "3", "2", "2021-04-05 10:00:00", "2021-04-05 09:20:00", "2021-04-05", N, N, "f", "f"),
    ("5", "102", "3", "3", N, "2021-04-05 09:20:00", "2021-04-05", N, N, "f", "f"),
    ("6", "108", "2", "2", N, "2021-04-06 10:00:00", "2021-04-06", N, N, "f", "f"),
    ("7", "101", "1", "2", N, "2021-04-01 15:00:00", "2021-04-01", N, N, "f", "f"),
]  # fmt: skip


def _png(color) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, format="PNG")
    return out.getvalue()


def _base62(hexdigest: str) -> str:
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    number, out = int(hexdigest, 16), ""
    while number:
        number, digit = divmod(number, 62)
        out = alphabet[digit] + out
    return out


PICTURE = _png("red")
PICTURE_SHA = hashlib.sha1(PICTURE).hexdigest()  # noqa: S324 - Discourse's own key
PDF_SHA = "0" * 39 + "1"
GONE_SHA = "ab" * 20
UPLOADS = ("id", "user_id", "original_filename", "filesize", "sha1", "url", "extension")
UPLOAD_ROWS = [
    ("1", "2", "fire.png", str(len(PICTURE)), PICTURE_SHA, f"/uploads/default/original/1X/{PICTURE_SHA}.png", "png"),
    ("2", "2", "manual.pdf", "100", PDF_SHA, f"/uploads/default/original/1X/{PDF_SHA}.pdf", "pdf"),
    ("3", "2", "gone.jpg", "100", GONE_SHA, f"/uploads/default/original/1X/{GONE_SHA}.jpg", "jpg"),
]  # fmt: skip
UPLOAD_FILES = {
    f"uploads/default/original/1X/{PICTURE_SHA}.png": PICTURE,
    f"uploads/default/original/1X/{PDF_SHA}.pdf": b"%PDF-1.4 not really",
}
GPU_POST = (  # COPY text: "\n" is the two characters the dump holds
    r"It smells of **smoke**.\n\n"
    rf"![fire|690x388](upload://{_base62(PICTURE_SHA)}.png)\n\n"
    rf"[manual.pdf|attachment](upload://{_base62(PDF_SHA)}.pdf) (100 Bytes)\n\n"
    rf"![gone](/uploads/default/original/1X/{GONE_SHA}.jpg)"
)
POST_ROWS = [(*row[:4], GPU_POST, *row[5:]) if row[0] == "106" else row for row in POST_ROWS]
# Björn chose a picture as his avatar.
USERS = (*USERS, "uploaded_avatar_id")
USER_ROWS = [(*row, "1" if row[1] == "björn" else N) for row in USER_ROWS]
TABLES = {
    "categories": (CATEGORIES, CATEGORY_ROWS),
    "post_actions": (ACTIONS, ACTION_ROWS),
    "posts": (POSTS, POST_ROWS),
    "topics": (TOPICS, TOPIC_ROWS),
    "uploads": (UPLOADS, UPLOAD_ROWS),
    "user_emails": (EMAILS, EMAIL_ROWS),
    "user_profiles": (PROFILES, PROFILE_ROWS),
    "users": (USERS, USER_ROWS),
}


def dump_sql(*, leave_out: str = "", cut: bool = False) -> str:
    """A pg_dump-shaped SQL text; tables in pg_dump's (alphabetical) order."""
    out = [
        "--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n",
        "CREATE TABLE public.posts (\n    id integer NOT NULL\n);\n\n",
        # A table the importer does not need, with a line that looks like a terminator.
        "COPY public.badges (id, name) FROM stdin;\n1\tBasic \\\\.\n\\.\n\n",
    ]
    for table, (columns, rows) in TABLES.items():
        if table == leave_out:
            continue
        quoted = ", ".join('"primary"' if c == "primary" else c for c in columns)
        out.append(f"COPY public.{table} ({quoted}) FROM stdin;\n")
        out.extend("\t".join(row) + "\n" for row in rows)
        if cut and table == "posts":
            return "".join(out)
        out.append("\\.\n\n")
    out.append("--\n-- PostgreSQL database dump complete\n--\n")
    return "".join(out)


def make_backup(tmp_path, *, dump: bytes | None = None, name="forum.tar.gz", members=None):
    dump = gzip.compress(dump_sql().encode()) if dump is None else dump
    if members is None:
        members = {"dump.sql.gz": dump, "meta.json": b"{}", **UPLOAD_FILES}
    path = tmp_path / name
    with tarfile.open(path, "w:gz") as tar:
        for member, data in members.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path
