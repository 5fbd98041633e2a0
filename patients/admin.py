"""The beheerder's screens: accounts, practices, FTO groups (docs/domain.md#roles)."""

from django.contrib import admin

from .models import AuditEvent, FtoGroup, Membership, Practice


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "city", "fto_group", "list_size"]
    search_fields = ["name", "code", "city"]
    list_filter = ["fto_group"]
    inlines = [MembershipInline]


@admin.register(FtoGroup)
class FtoGroupAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "practice", "role", "privacy_officer"]
    list_filter = ["role", "privacy_officer", "practice"]
    search_fields = ["user__username", "user__last_name", "practice__name"]
    autocomplete_fields = ["user", "practice"]


AUDIT_COLUMNS = ("at", "username", "role", "action", "object_type", "object_id", "practice",
                 "patient_id", "client_address")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, and kept at least five years: the admin can add,
    change or delete nothing (the database refuses it too). Patients are shown by id, not
    by name; the practice's privacy officer reads the log in the app."""

    list_display = AUDIT_COLUMNS
    list_filter = ["action", "object_type", "practice"]
    search_fields = ["username", "object_id"]
    date_hierarchy = "at"
    fields = readonly_fields = (*AUDIT_COLUMNS, "detail")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
