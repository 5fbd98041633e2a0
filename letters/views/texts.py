"""Letter texts per practice (with preview and a readability indication), the practice
logo and a GP's signature image."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benzoproject.access import (
    LETTER_TEXT_EDITORS,
    LOGO_EDITORS,
    SIGNATURE_OWNERS,
    practice_view,
)
from patients.audit import audit_log
from patients.models import AuditEvent, Participation, Project, Role

from .. import pdf, selectors, services, text
from ..defaults import DEFAULTS
from ..forms import LetterTextForm, LogoForm, SignatureForm
from ..models import GpSignature, LetterKind, LetterTemplate
from ..render import LetterData, LetterText, document_html, letter_render

# Dutch paths for the three kinds of letter.
KIND_SLUGS = {"stopbrief": LetterKind.STOP, "uitnodiging": LetterKind.INVITATION,
              "opnieuw-versturen": LetterKind.RESEND}
SLUG_OF_KIND = {kind: slug for slug, kind in KIND_SLUGS.items()}
TEXT_LABELS = {LetterKind.STOP: gettext_lazy("Stop letter"),
               LetterKind.INVITATION: gettext_lazy("Consult invitation"),
               LetterKind.RESEND: gettext_lazy("Cover letter when a stop letter is sent again")}
PREVIEW_STATUSES = (Participation.Status.APPROVED, Participation.Status.MAILING,
                    Participation.Status.RESERVE, Participation.Status.LETTER_SENT,
                    Participation.Status.CALLBACK_DUE, Participation.Status.CONSULT_PLANNED)


@practice_view(roles=LETTER_TEXT_EDITORS)
def template_list(request):
    stored = {t.kind: t for t in LetterTemplate.objects.filter(
        practice=request.practice).select_related("updated_by")}
    kinds = [(SLUG_OF_KIND[kind], label, stored.get(kind),
              stored[kind].subject if kind in stored else DEFAULTS[kind].subject)
             for kind, label in TEXT_LABELS.items()]
    return render(request, "letters/template_list.html", {
        "kinds": kinds, "role": request.membership.role})


def _example_data(request, letter_date) -> LetterData:
    """A made-up patient, for a preview before any patient is chosen."""
    project = Project.objects.filter(practice=request.practice).exclude(
        status=Project.Status.CLOSED).select_related("lead").first()
    gps = selectors.project_gps(project) if project else []
    signer = gps[0] if gps else (request.user if request.membership.role == Role.HUISARTS
                                 else None)
    return LetterData(
        practice=selectors.practice_data(request.practice), sex="V", initials="J.",
        prefix="de", surname="Vries", street="Voorbeeldstraat", house_number="1",
        postcode="1234 AB", city=request.practice.city or "Voorbeeld", substance="temazepam",
        strength="10 mg", poh_name=selectors.person_name(project.lead) if project else "",
        signer_name=selectors.signer_name(signer) if signer else "",
        letter_date=letter_date,
        appointment="Op dinsdag 3 november om 10.30 uur, in de praktijk.")


def _preview_data(request, participation, *, as_pdf: bool) -> LetterData:
    today = timezone.localdate()
    if participation is None:
        return _example_data(request, today)
    audit_log(user=request.user, obj=participation,
              action=AuditEvent.Action.EXPORT if as_pdf else AuditEvent.Action.VIEW,
              detail="letter preview as PDF" if as_pdf else "letter preview")
    [data] = selectors.letter_data_for(project=participation.project,
                                       participations=[participation], letter_date=today)
    return data


def _edit_url(kind_slug: str) -> str:
    return f"{reverse('letters:template-edit')}?soort={kind_slug}"


@practice_view(roles=LETTER_TEXT_EDITORS)
def template_edit(request):
    kind_slug = request.GET.get("soort", "stopbrief")
    kind = KIND_SLUGS.get(kind_slug)
    if kind is None:
        raise Http404
    participations = (Participation.objects
                      .filter(project__practice=request.practice, status__in=PREVIEW_STATUSES)
                      .select_related("patient", "project")
                      .order_by("patient__surname", "patient__initials", "id"))
    current = selectors.letter_text_for(practice=request.practice, kind=kind)
    action = request.POST.get("action", "preview")
    if request.method == "POST" and action == "reset":
        services.letter_template_reset(practice=request.practice, kind=kind, user=request.user)
        messages.success(request, _("The default text is back."))
        return redirect(_edit_url(kind_slug))
    form = LetterTextForm(request.POST or None, participations=participations,
                          initial={"subject": current.subject, "body": current.body})
    preview = None
    if request.method == "POST" and form.is_valid():
        letter_text = LetterText(subject=form.cleaned_data["subject"],
                                 body=form.cleaned_data["body"])
        if action == "save":
            services.letter_template_save(practice=request.practice, kind=kind,
                                          user=request.user, subject=letter_text.subject,
                                          body=letter_text.body)
            messages.success(request, _("Letter text saved."))
            return redirect(_edit_url(kind_slug))
        data = _preview_data(request, form.cleaned_data["preview_for"], as_pdf=action == "pdf")
        if action == "pdf":
            fragment = letter_render(kind=kind, letter_text=letter_text, data=data)
            response = HttpResponse(pdf.html_to_pdf(document_html([fragment],
                                                                  practice=data.practice)),
                                    content_type="application/pdf")
            response["Content-Disposition"] = 'inline; filename="voorbeeld.pdf"'
            return response
        preview = letter_render(kind=kind, letter_text=letter_text, data=data)
    elif request.method == "GET":
        preview = letter_render(kind=kind, letter_text=current,
                                data=_example_data(request, timezone.localdate()))
    body = form.data.get("body", current.body) if form.is_bound else current.body
    return render(request, "letters/template_edit.html", {
        "form": form, "kind": kind, "kind_label": TEXT_LABELS[kind],
        "kind_slug": kind_slug, "preview": preview,
        "own": LetterTemplate.objects.filter(practice=request.practice, kind=kind).exists(),
        "readability": text.readability(body),
        "placeholders": text.PLACEHOLDERS,
    })


@practice_view(roles=LOGO_EDITORS)
def logo(request):
    form = LogoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and request.POST.get("action") == "remove":
        if services.practice_logo_remove(practice=request.practice, user=request.user):
            messages.info(request, _("The logo was removed."))
        return redirect("letters:logo")
    if request.method == "POST" and form.is_valid():
        services.practice_logo_set(practice=request.practice, user=request.user,
                                   data=form.cleaned_data["image"].data)
        messages.success(request, _("The logo was saved. It is printed at the top of every "
                                    "letter."))
        return redirect("letters:logo")
    return render(request, "letters/logo.html", {
        "form": form, "image": selectors.stored_image(request.practice.logo)})


@practice_view(roles=SIGNATURE_OWNERS)
def signature(request):
    form = SignatureForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and request.POST.get("action") == "remove":
        if services.gp_signature_remove(practice=request.practice, user=request.user):
            messages.info(request, _("Your signature was removed."))
        return redirect("letters:signature")
    if request.method == "POST" and form.is_valid():
        services.gp_signature_set(practice=request.practice, user=request.user,
                                  data=form.cleaned_data["image"].data)
        messages.success(request, _("Your signature was saved. It is printed above your name "
                                    "on letters you sign."))
        return redirect("letters:signature")
    stored = GpSignature.objects.filter(practice=request.practice, user=request.user).first()
    return render(request, "letters/signature.html", {
        "form": form, "image": selectors.stored_image(stored.image) if stored else None,
        "signer_name": selectors.signer_name(request.user)})
