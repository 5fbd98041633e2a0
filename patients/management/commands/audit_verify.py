"""Check the access log's hash chain from its first entry to its newest (docs/security.md).

    python manage.py audit_verify

Walks every entry in order, a chunk at a time, and checks that each still matches its hash
(its content and the patients it showed), links to the entry before it, and matches the
checkpoints of the nightly check. Prints, in Dutch, the number of entries checked and the
newest entry's hash — keep that line outside the database (it anchors the chain) — or each
break found, the first first. Exit status 0: the chain is intact; 1: it is broken. Writes
nothing.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from patients.auditverify import CHUNK, audit_chain_verify


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=CHUNK,
                            help=f"entries read per query (default {CHUNK})")

    def handle(self, *args, chunk_size: int, **options):
        with translation.override(settings.LANGUAGE_CODE):
            if chunk_size < 1:
                raise CommandError(_("--chunk-size must be 1 or more."))
            report = audit_chain_verify(chunk_size=chunk_size)
            counted = ngettext("%(n)s entry checked", "%(n)s entries checked",
                               report.events) % {"n": report.events}
            head = _("newest entry %(id)s, hash %(hash)s") % {
                "id": report.head_id if report.head_id is not None else "-",
                "hash": report.head_hash}
            if report.intact:
                self.stdout.write(_("Access log intact: %(counted)s; %(head)s.") % {
                    "counted": counted, "head": head})
                return
            for item in report.breaks:
                self.stdout.write(_("Entry %(id)s: %(problem)s.") % {
                    "id": item.event_id, "problem": item.problem})
            raise CommandError(ngettext(
                "Access log broken: %(n)s break, first at entry %(id)s (%(counted)s).",
                "Access log broken: %(n)s breaks, first at entry %(id)s (%(counted)s).",
                len(report.breaks)) % {"n": len(report.breaks),
                                       "id": report.breaks[0].event_id, "counted": counted})
