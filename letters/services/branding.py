"""The practice's logo and a GP's own signature, printed on the letters.

A replaced or removed image is deleted once the change commits
(:func:`files_delete_on_commit`), so a rollback leaves the stored row and its file
together."""

import uuid

from django.core.files.base import ContentFile
from django.db import transaction

from patients.audit import audit_log
from patients.models import AuditEvent, Practice

from ..images import (
    LOGO_MAX_BYTES,
    SIGNATURE_MAX_BYTES,
    CheckedImage,
    ImageKind,
    image_check,
)
from ..models import GpSignature
from .shared import files_delete_on_commit


def _checked(data: bytes | CheckedImage, *, kind: ImageKind, max_bytes: int) -> CheckedImage:
    """The upload converted (an upload form has done so already: not twice)."""
    if isinstance(data, CheckedImage):
        return data
    return image_check(data, kind=kind, max_bytes=max_bytes)


@transaction.atomic
def practice_logo_set(*, practice: Practice, data: bytes | CheckedImage, user) -> Practice:
    """Check, convert and store the practice's logo (the old one is removed). Raises
    ImageRefused."""
    checked = _checked(data, kind="logo", max_bytes=LOGO_MAX_BYTES)
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    files_delete_on_commit([practice.logo])
    practice.logo.save(f"{practice.uuid.hex}-{uuid.uuid4().hex[:8]}.{checked.extension}",
                       ContentFile(checked.data), save=False)
    practice.save(update_fields=["logo"])
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=practice, practice=practice,
              detail=f"logo set ({checked.source} as {checked.content_type}, "
                     f"{len(checked.data)} bytes)")
    return practice


@transaction.atomic
def practice_logo_remove(*, practice: Practice, user) -> bool:
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if not practice.logo:
        return False
    files_delete_on_commit([practice.logo])
    practice.logo = None
    practice.save(update_fields=["logo"])
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=practice, practice=practice,
              detail="logo removed")
    return True


@transaction.atomic
def gp_signature_set(*, practice: Practice, user, data: bytes | CheckedImage) -> GpSignature:
    """Check, convert and store a GP's own signature image. Raises ImageRefused."""
    checked = _checked(data, kind="signature", max_bytes=SIGNATURE_MAX_BYTES)
    signature = GpSignature.objects.select_for_update().filter(practice=practice,
                                                               user=user).first()
    if signature is None:
        signature = GpSignature(practice=practice, user=user)
    else:
        files_delete_on_commit([signature.image])
    signature.image.save(f"signature.{checked.extension}", ContentFile(checked.data),
                         save=False)
    signature.save()
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=signature, practice=practice,
              object_type="gpsignature", detail="signature image set")
    return signature


@transaction.atomic
def gp_signature_remove(*, practice: Practice, user) -> bool:
    signature = GpSignature.objects.filter(practice=practice, user=user).first()
    if signature is None:
        return False
    files_delete_on_commit([signature.image])
    signature.delete()
    audit_log(user=user, action=AuditEvent.Action.DELETE, practice=practice,
              object_type="gpsignature", detail="signature image removed")
    return True
