from django.contrib import admin

from hearth.core.models import InteractionEvent


@admin.register(InteractionEvent)
class InteractionEventAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "community",
        "verb",
        "actor",
        "target_user",
        "object_type",
        "object_id",
    )
    list_filter = ("verb",)
    list_select_related = ("community", "actor", "target_user")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
