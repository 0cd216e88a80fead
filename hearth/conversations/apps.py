from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "hearth.conversations"
    label = "conversations"

    def ready(self):
        from hearth.communities import nav
        from hearth.conversations import unread
        from hearth.conversations.nav import messages_link

        nav.add_link(messages_link, before="search")
        unread.connect()
