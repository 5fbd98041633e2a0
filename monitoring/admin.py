"""The beheerder's screens for the reference figures and result targets."""

from django.contrib import admin

from .models import ReferenceFigure, ResultTarget


@admin.register(ReferenceFigure)
class ReferenceFigureAdmin(admin.ModelAdmin):
    list_display = ["label", "value_text", "value", "window_text", "arm", "source", "measure"]
    list_filter = ["source", "arm"]
    search_fields = ["key", "label", "source"]


@admin.register(ResultTarget)
class ResultTargetAdmin(admin.ModelAdmin):
    list_display = ["project", "measure", "value", "deadline", "per_gp"]
    list_filter = ["project__practice"]
    raw_id_fields = ["project", "created_by"]
