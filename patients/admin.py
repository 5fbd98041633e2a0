"""The beheerder's screens: accounts, practices, FTO groups (docs/domain.md#roles).

Least privilege (docs/security.md#least-privilege): the beheerder is not a clinical role.
No model that holds patient data (patients, prescriptions, imports, participations,
letters, consultations, schedules, questionnaires, ...) is registered in the admin, of any
app; tests/test_admin_privilege.py keeps that list closed. A membership granted, changed
or removed here is logged and shown to the practice's project lead (patients/signals.py)."""

from django.contrib import admin

from .admin_audit import ADMIN_ROLE
from .audit import audit_log
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

    def has_delete_permission(self, request, obj=None):
        # A practice's access log is kept five years (NEN 7513): it is never deleted.
        return False


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

    # Every view of the log is itself logged (NEN 7513): the list with its filters, and
    # each entry opened (naming that entry's practice and patient).
    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200:
            query = request.GET.urlencode()  # the filters and search, what was looked for
            audit_log(user=request.user, action=AuditEvent.Action.VIEW, object_type="auditlog",
                      role=ADMIN_ROLE,
                      detail=f"admin: the access log ({query})" if query
                      else "admin: the access log")
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        event = self.get_object(request, object_id)
        if request.method == "GET" and response.status_code == 200 and event is not None:
            audit_log(user=request.user, action=AuditEvent.Action.VIEW, obj=event,
                      object_type="auditlog", role=ADMIN_ROLE, detail="admin: an entry")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            audit_log(user=request.user, action=AuditEvent.Action.VIEW, object_type="auditlog",
                      object_id=str(object_id)[:64], role=ADMIN_ROLE,
                      detail="admin: the history of an entry")
        return response
