"""The admin site. Who sees what is not changed here: roles, clearances (kode 6, kode 7,
skjermet), the employer, office memberships and the privilege flags are read-only, and change only through the
audited grants page (/tilganger/, accounts.services; four eyes for kode 6 and the administrator
role). Nobody changes their own user or staff record here."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import Http404, HttpResponseRedirect
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from skreddersy.core import audit, login
from skreddersy.core.models import (
    AccessGrant,
    AuditEntry,
    County,
    Office,
    OfficeMembership,
    StaffMember,
    StaffRole,
    Team,
    User,
)

GRANTS_URL = "/tilganger/"
PASSWORD_URL = "/tilganger/passord/{id}/"  # accounts.views.password_reset (core imports no app)
GRANTS_NOTE = _("Roller, tilganger, tilsettingsforhold og kontortilknytning endres med begrunnelse på siden Roller og tilganger, "
                "der endringen logges (kode 6 og administratorrollen krever godkjenning fra en annen administrator).")


def _own(request, obj) -> bool:
    """Whether ``obj`` (a user or staff record) is the acting administrator's own."""
    if obj is None:
        return False
    user_id = obj.pk if isinstance(obj, User) else getattr(obj, "user_id", None)
    return user_id == request.user.pk


class NotOwnRecord:
    """Admin pages where nobody may change or delete their own record (they still see it)."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _own(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _own(request, obj)


@admin.register(User)
class SkreddersyUserAdmin(NotOwnRecord, UserAdmin):
    list_display = ("username", "kind", "is_active", "is_staff", "last_login")
    list_filter = ("kind", "is_active", "is_staff")
    fieldsets = UserAdmin.fieldsets + (("skreddersy", {"fields": ("kind",)}),)
    # the privilege flags: the administrator role (given on the grants page) opens the admin site;
    # superusers are made with `manage.py createsuperuser` on the server, not here
    readonly_fields = ("is_staff", "is_superuser", "groups", "user_permissions", "last_login", "date_joined")

    def save_model(self, request, obj, form, change):
        """A new login made here has the password this administrator typed: they know it, so what
        they ask for it on the grants page waits for a second administrator (decision 0048). The
        new login is in the audit trail (who made it; the password never)."""
        if not change:
            obj.password_set_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            audit.record(request.user, None, audit.WRITE, "innlogging: ny", obj=obj)

    def user_change_password(self, request, id, form_url=""):
        """Setting another login's password goes through the audited page beside the grants
        (who, whom, why; never one's own, never another administrator's), not Django's form."""
        if not str(id).isdigit():
            raise Http404
        return HttpResponseRedirect(PASSWORD_URL.format(id=int(id)))


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
    """Read-only: roles change on the grants page (audited, with a reason)."""

    model = StaffRole
    extra = 0
    fields = ("role",)
    readonly_fields = ("role",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    """Read-only: which offices' clients a staff member sees, and their team there, change on the
    grants page (audited, with a reason; never one's own). An inline formset posted to the change
    page writes nothing: without add, change or delete permission Django's admin builds no form
    for it (decision 0044)."""

    model = OfficeMembership
    extra = 0
    fields = ("office", "team")
    readonly_fields = ("office", "team")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StaffMemberForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = ["user", "nav_ident", "display_name", "employer", "languages"]

    def clean_user(self):
        user = self.cleaned_data.get("user")
        if user is not None and user.pk == getattr(self.request_user, "pk", None):
            raise forms.ValidationError(_("Du kan ikke opprette eller endre din egen ansattpost."))
        return user


CLEARANCES = ("clearance_strictly_confidential", "clearance_confidential", "clearance_skjermet")


@admin.register(StaffMember)
class StaffMemberAdmin(NotOwnRecord, admin.ModelAdmin):
    form = StaffMemberForm
    list_display = ("nav_ident", "display_name", "employer")
    list_filter = ("employer", "roles__role")
    search_fields = ("nav_ident", "display_name")
    inlines = [RoleInline, MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        # a new staff member starts with no clearance and no role; the employer is set when
        # the record is made, and changed afterwards on the grants page
        return (*CLEARANCES, "grants_link") if obj is None else ("user", "employer", *CLEARANCES, "grants_link")

    def get_fields(self, request, obj=None):
        return ["user", "nav_ident", "display_name", "employer", *CLEARANCES, "grants_link"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user
        return form

    @admin.display(description=_("Roller og tilganger"))
    def grants_link(self, obj):
        return format_html('{} <a href="{}">{}</a>', GRANTS_NOTE, GRANTS_URL, _("Gå til Roller og tilganger"))


@admin.register(AccessGrant)
class AccessGrantAdmin(admin.ModelAdmin):
    """Read-only: the history of grants (made and decided on the grants page)."""

    list_display = ("requested_at", "staff", "change", "what", "status", "requested_by", "decided_by", "decided_at")
    list_filter = ("status", "what", "change")
    search_fields = ("staff__nav_ident", "staff__display_name")
    date_hierarchy = "requested_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
