from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from skreddersy.core import login
from skreddersy.core.models import AuditEntry, County, Office, OfficeMembership, StaffMember, StaffRole, Team, User


@admin.register(User)
class SkreddersyUserAdmin(UserAdmin):
    list_display = ("username", "kind", "is_active", "is_staff", "last_login")
    list_filter = ("kind", "is_active", "is_staff")
    fieldsets = UserAdmin.fieldsets + (("skreddersy", {"fields": ("kind",)}),)


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "municipality", "county", "size_band")
    list_filter = ("county", "size_band")
    search_fields = ("number", "name", "municipality")
    inlines = [TeamInline]


class RoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0


class MembershipInline(admin.TabularInline):
    model = OfficeMembership
    extra = 0
    autocomplete_fields = ("office",)


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ("nav_ident", "display_name", "employer")
    list_filter = ("employer", "roles__role")
    search_fields = ("nav_ident", "display_name")
    inlines = [RoleInline, MembershipInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ("at", "actor", "client_id", "action", "what", "why")
    list_filter = ("action", "what")
    search_fields = ("=client_id",)
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.login_form = login.admin_login_form()  # counts a refused right password as a failure
