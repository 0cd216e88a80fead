"""Move post images out of the public media folder.

Before, a post's image lived at ``MEDIA_ROOT/posts/<community>/…`` and anyone with its
``/media/…`` address could fetch it, whatever the category. Each file a post links becomes
an Attachment of the earliest post that links it, moves to the private storage under the
same name, and every link to it (post text, stored HTML, edit history) is rewritten to the
view that checks who may read the post. Files of this database's communities that no
post links are moved too, with no attachment, so nothing serves them. Reversing keeps the files where they are now."""

import posixpath
import re

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import migrations
from django.db.models import Q

from hearth.core.uploads import move_to_private_storage

LEGACY_FOLDER = "posts"


def _legacy_link() -> re.Pattern:
    return re.compile(
        re.escape(settings.MEDIA_URL)
        + r"(posts/\d+/(?:thumbs/)?[0-9a-f]{32}\.(?:jpg|png))"
    )


def _files_under(folder: str):
    if not default_storage.exists(folder):
        return
    folders, files = default_storage.listdir(folder)
    for sub in folders:
        yield from _files_under(posixpath.join(folder, sub))
    for file in files:
        yield posixpath.join(folder, file)


def make_post_images_private(apps, schema_editor):
    Post = apps.get_model("discussions", "Post")
    PostRevision = apps.get_model("discussions", "PostRevision")
    Attachment = apps.get_model("discussions", "Attachment")
    Community = apps.get_model("communities", "Community")
    link = _legacy_link()
    marker = settings.MEDIA_URL + LEGACY_FOLDER + "/"
    revised = PostRevision.objects.filter(
        Q(body_before__contains=marker) | Q(body_after__contains=marker)
    ).values("post_id")
    posts = (
        Post.objects.filter(
            Q(body__contains=marker) | Q(html__contains=marker) | Q(pk__in=revised)
        )
        .select_related("community")
        .order_by("pk")
    )
    urls: dict[tuple[int, str], str] = {}  # (community, file name) -> its new address

    def rewrite(community, text: str) -> str:
        return link.sub(lambda m: urls.get((community.pk, m.group(1)), m.group(0)), text)

    for post in list(posts):
        revisions = list(PostRevision.objects.filter(post=post))
        texts = [post.body, post.html] + [
            t for r in revisions for t in (r.body_before, r.body_after)
        ]
        for name in sorted({n for text in texts for n in link.findall(text)}):
            key = (post.community_id, name)
            if key in urls or not name.startswith(f"posts/{post.community_id}/"):
                continue
            if move_to_private_storage(name):
                attachment = Attachment.objects.create(
                    community_id=post.community_id, post=post, file=name
                )
                filename = posixpath.basename(name)
                urls[key] = f"/c/{post.community.slug}/uploads/{attachment.pk}/{filename}"
        post.body = rewrite(post.community, post.body)
        post.html = rewrite(post.community, post.html)
        post.save(update_fields=["body", "html"])
        for revision in revisions:
            revision.body_before = rewrite(post.community, revision.body_before)
            revision.body_after = rewrite(post.community, revision.body_after)
            revision.save(update_fields=["body_before", "body_after"])
    for community_id in Community.objects.values_list("pk", flat=True):
        for name in list(_files_under(f"{LEGACY_FOLDER}/{community_id}")):
            move_to_private_storage(name)


class Migration(migrations.Migration):
    dependencies = [("discussions", "0006_attachment")]

    operations = [
        migrations.RunPython(make_post_images_private, migrations.RunPython.noop, elidable=True)
    ]
