from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from hearth.accounts.models import User
from hearth.accounts.views import admin_login

# One login for the whole site: the admin's goes through the same limits as the others.
admin.site.login = admin_login


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Profile", {"fields": ("display_name", "bio", "avatar", "time_zone")}),
    )
    list_display = ("username", "email", "display_name", "is_staff", "date_joined")
