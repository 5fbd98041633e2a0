"""Timeline entries written in English before issue 11 now read in Dutch.

Until then the invitation print run wrote "consult invitation mailed on
2026-11-30" (English, ISO date) on the timeline; every other entry was already
written through the Dutch catalogue. This rewrites exactly that fixed text to
what the app writes now, "uitnodiging voor een gesprek verstuurd op 30-11-2026"
(docs/development.md#dates). Anything else is left as it is.
"""

import re

from django.db import migrations

ENGLISH = re.compile(r"^consult invitation mailed on (\d{4})-(\d{2})-(\d{2})$")
DUTCH = "uitnodiging voor een gesprek verstuurd op {day}-{month}-{year}"


def dutch_text(what: str) -> str | None:
    """The Dutch text for a known English entry, or None for anything else."""
    match = ENGLISH.match(what)
    if match is None:
        return None
    year, month, day = match.groups()
    return DUTCH.format(day=day, month=month, year=year)


def translate_timeline(apps, schema_editor):
    Event = apps.get_model("patients", "ParticipationEvent")
    rows = Event.objects.filter(what__startswith="consult invitation mailed on ")
    for event in rows.only("pk", "what").iterator():
        dutch = dutch_text(event.what)
        if dutch is not None:
            Event.objects.filter(pk=event.pk).update(what=dutch)


class Migration(migrations.Migration):
    dependencies = [("patients", "0016_import_attempts")]

    operations = [migrations.RunPython(translate_timeline, migrations.RunPython.noop)]
