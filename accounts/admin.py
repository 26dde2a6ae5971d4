from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from core.admin import LargeTableAdmin

from .models import User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserChangeFormEmail(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class GroupFilter(admin.SimpleListFilter):
    """By group, or in none. Django's own filter on a many-to-many field joins the groups and makes
    the list DISTINCT, so "in no group" sorts every person to show 50; EXISTS reads the list in
    its index's order and stops at 50."""

    title = "group"
    parameter_name = "group"
    NONE = "none"

    def lookups(self, request, model_admin):
        return [(str(group.pk), group.name) for group in Group.objects.order_by("name")] + [
            (self.NONE, "In no group")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        memberships = User.groups.through.objects.filter(user_id=OuterRef("pk"))
        if value == self.NONE:
            return queryset.filter(~Exists(memberships))
        if not value.isdigit():  # a hand-edited address: nothing matches, no error page
            return queryset.none()
        return queryset.filter(Exists(memberships.filter(group_id=int(value))))


@admin.register(User)
class UserAdmin(LargeTableAdmin, DjangoUserAdmin):
    form = UserChangeFormEmail
    add_form = UserCreationForm
    list_display = ("email", "full_name", "organization", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", GroupFilter)
    search_fields = ("email", "full_name", "organization")
    ordering = ("full_name", "email")
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "organization", "job_title", "time_zone")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
