from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "hearth.moderation"
    label = "moderation"

    def ready(self) -> None:
        from hearth.conversations import hooks as conversation_hooks
        from hearth.discussions import hooks
        from hearth.moderation import ratelimits, services, spam, watched_words

        hooks.on_post_created(services.hold_first_post_if_required)
        hooks.on_post_edited(services.review_reopen_after_edit)
        # In this order: a blocked word refuses a post before it uses up a rate limit.
        hooks.on_post_check(watched_words.check_post)
        hooks.on_post_check(ratelimits.check_posting)
        hooks.on_post_check(spam.check_spam)
        conversation_hooks.on_message_check(watched_words.check_message)
