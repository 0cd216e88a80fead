"""Platform staff can inspect every community in the Django admin. Writes that have a
service (joining, roles, bans, rules) go through the community's own staff pages, so the
admin shows these models read-only and nothing bypasses the event and staff logs."""

from django.contrib import admin

from hearth.communities.models import Community, Invite, Membership, RulesVersion, StaffAction


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and self.model is Community


@admin.register(Community)
class CommunityAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "visibility", "join_policy", "member_count", "created_at")
    list_filter = ("visibility", "join_policy")
    search_fields = ("name", "slug")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "community", "role", "status", "trust_level", "joined_at", "source")
    list_filter = ("role", "status")
    search_fields = ("user__username", "community__slug")
    list_select_related = ("user", "community")


@admin.register(StaffAction)
class StaffActionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "community", "actor", "action", "target_user", "reason")
    list_filter = ("action",)
    list_select_related = ("community", "actor", "target_user")


@admin.register(Invite)
class InviteAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "community",
        "source",
        "use_count",
        "max_uses",
        "expires_at",
        "revoked_at",
    )
    list_select_related = ("community",)


@admin.register(RulesVersion)
class RulesVersionAdmin(ReadOnlyAdmin):
    list_display = ("community", "version", "created_at", "created_by")
    list_select_related = ("community", "created_by")
