"""Administrators edit the catalogue (types, providers, offerings) and allocations here. Every
change is validated by the models' ``clean`` and audited; a type change reloads matching."""

from django.contrib import admin

from skreddersy.core import audit
from skreddersy.measures import matching, selectors
from skreddersy.measures.models import (
    CountyAllocation,
    MeasureOffering,
    MeasureType,
    NationalTarget,
    OfficeAllocation,
    Place,
    Provider,
)


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(request.user, None, audit.WRITE, f"tiltak: admin {'endret' if change else 'ny'} {obj._meta.model_name}", obj=obj)
        matching.invalidate()
        selectors.invalidate_places()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # offices served (M2M) are saved here
        matching.invalidate()

    def delete_model(self, request, obj):
        audit.record(request.user, None, audit.WRITE, f"tiltak: admin slettet {obj._meta.model_name}", obj=obj)
        super().delete_model(request, obj)
        matching.invalidate()
        selectors.invalidate_places()


@admin.register(MeasureType)
class MeasureTypeAdmin(AuditedAdmin):
    list_display = ("name", "code", "arena_code", "typical_weeks", "active")
    list_filter = ("active",)
    search_fields = ("name", "code", "arena_code")


@admin.register(Provider)
class ProviderAdmin(AuditedAdmin):
    list_display = ("name", "org_number", "municipality")
    search_fields = ("name", "org_number")


@admin.register(Place)
class PlaceAdmin(AuditedAdmin):
    list_display = ("municipality", "latitude", "longitude")
    search_fields = ("municipality",)


@admin.register(MeasureOffering)
class MeasureOfferingAdmin(AuditedAdmin):
    list_display = ("title", "measure_type", "provider", "municipality", "start_date", "capacity", "occupied", "status")
    list_filter = ("status", "measure_type", "county")
    search_fields = ("title", "provider__name", "municipality")
    autocomplete_fields = ("provider",)
    filter_horizontal = ("offices",)
    readonly_fields = ("occupied",)
    date_hierarchy = "start_date"


@admin.register(NationalTarget)
class NationalTargetAdmin(admin.ModelAdmin):
    """Read-only here: targets and allocations change through the allocation page, whose
    services lock rows and refuse over-allocation."""

    list_display = ("year", "measure_type", "priority_group", "places", "budget")
    list_filter = ("year", "priority_group")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CountyAllocation)
class CountyAllocationAdmin(NationalTargetAdmin):
    list_display = ("target", "county", "places", "budget")
    list_filter = ("county",)


@admin.register(OfficeAllocation)
class OfficeAllocationAdmin(NationalTargetAdmin):
    list_display = ("county_allocation", "office", "places", "budget", "expected_filled")
    list_filter = ("office__county",)
