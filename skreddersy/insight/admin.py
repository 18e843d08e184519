from django.contrib import admin

from skreddersy.insight.models import IndexDefinition, Instrument, Item, Scale, Survey, SurveyItem, Wave


@admin.register(Scale)
class ScaleAdmin(admin.ModelAdmin):
    list_display = ("key", "min_value", "max_value")


class ItemInline(admin.TabularInline):
    model = Item
    extra = 0
    fields = ("key", "text", "scale", "reverse", "position")


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("key", "name", "source")
    inlines = [ItemInline]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("key", "instrument", "scale", "reverse")
    list_filter = ("instrument", "reverse")
    search_fields = ("key", "text")


@admin.register(IndexDefinition)
class IndexAdmin(admin.ModelAdmin):
    list_display = ("key", "label", "min_answered", "published_alpha")
    filter_horizontal = ("items",)


class SurveyItemInline(admin.TabularInline):
    model = SurveyItem
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    inlines = [SurveyItemInline]


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    """Waves only: invitations, drafts and responses are not in the admin, so nobody browses
    who was invited next to what was answered."""

    list_display = ("survey", "label", "opens_at", "closes_at")
    filter_horizontal = ("offices",)
