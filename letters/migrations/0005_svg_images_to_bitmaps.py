"""Stored SVG logos and signatures become PNGs, once, with the upload's limits.

Letters never draw an SVG any more (docs/security.md, hostile files): an SVG stored
before this change is converted by the same check and child process as an upload
(``letters.images.image_check``). One that is refused now (too complex, damaged) is
removed, and the migration says which practice must upload its logo again.
"""

import uuid

from django.core.files.base import ContentFile
from django.db import migrations

# Whatever size was accepted before; the dimensions and the CPU/memory limits still apply.
ANY_SIZE = 64 * 1024 * 1024


def _convert(field, name: str, kind: str, say) -> bool:
    """Replace the stored SVG of ``field`` by its bitmap; False when refused."""
    from letters.images import ImageRefused, image_check

    try:
        with field.open("rb") as handle:
            data = handle.read()
        checked = image_check(data, kind=kind, max_bytes=ANY_SIZE)
    except (OSError, ImageRefused) as refused:
        say(f"  {name}: the stored SVG is removed ({refused}); upload it again as PNG.")
        field.delete(save=False)
        return False
    old = field.name
    field.save(f"{uuid.uuid4().hex}.{checked.extension}", ContentFile(checked.data),
               save=False)
    field.storage.delete(old)
    return True


def forwards(apps, schema_editor) -> None:
    Practice = apps.get_model("patients", "Practice")
    GpSignature = apps.get_model("letters", "GpSignature")

    def say(line: str) -> None:
        print(line)  # noqa: T201 - shown by migrate

    for practice in Practice.objects.filter(logo__iendswith=".svg"):
        _convert(practice.logo, f"logo of {practice.name}", "logo", say)
        practice.save(update_fields=["logo"])
    for signature in GpSignature.objects.filter(image__iendswith=".svg"):
        if _convert(signature.image, f"signature of user {signature.user_id}", "signature",
                    say):
            signature.save(update_fields=["image"])
        else:
            signature.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("letters", "0004_letter_run_minutes"),
        ("patients", "0024_membership_privacy_officer"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
