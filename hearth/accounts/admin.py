from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from hearth.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Profile", {"fields": ("display_name", "bio", "avatar", "time_zone")}),
    )
    list_display = ("username", "email", "display_name", "is_staff", "date_joined")
