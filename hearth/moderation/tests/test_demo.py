from hearth.demo import build_demo
from hearth.moderation.models import Appeal, Flag, PostReview, ReviewSource, WatchedWord


def test_demo_review_queue_holds_each_kind_of_item(db):
    lumen = build_demo(members=30, days=40, seed=5)
    pending = PostReview.objects.filter(community=lumen, status="pending").select_related("post")
    hidden = [r for r in pending if r.post.review_state == "flagged"]
    assert hidden and Flag.objects.filter(post=hidden[0].post, flagger__isnull=False).count() == 3
    assert any(r.source == ReviewSource.FLAGS and not r.post.is_in_review for r in pending)
    held = [r for r in pending if r.post.review_state == "held"]
    assert held and held[0].source == ReviewSource.WATCHED_WORD
    appeal = Appeal.objects.get(community=lumen)
    assert appeal.is_pending and appeal.sanction.kind == "suspend" and appeal.sanction.is_current
    assert appeal.sanction.post.deleted_at is not None  # removed from the queue
    assert set(WatchedWord.objects.filter(community=lumen).values_list("action", flat=True)) == {
        "block",
        "censor",
        "require_approval",
        "flag",
    }
