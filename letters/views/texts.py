"""Letter texts per practice (with preview and a readability indication), the practice
logo and a GP's signature image.

The text editor is one page (``template_edit``) whose buttons post to one view each:
preview, preview as PDF, save, and back to the default text."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from benzoproject.access import (
    LETTER_TEXT_EDITORS,
    LOGO_EDITORS,
    SIGNATURE_OWNERS,
    audit_shown,
    practice_view,
)
from patients.models import Role

from .. import selectors, services, text
from ..defaults import DEFAULTS
from ..forms import LetterTextForm, LogoForm, SignatureForm
from ..models import LetterKind
from ..render import LetterData, LetterText

# Dutch paths for the three kinds of letter.
KIND_SLUGS = {"stopbrief": LetterKind.STOP, "uitnodiging": LetterKind.INVITATION,
              "opnieuw-versturen": LetterKind.RESEND}
SLUG_OF_KIND = {kind: slug for slug, kind in KIND_SLUGS.items()}
TEXT_LABELS = {LetterKind.STOP: gettext_lazy("Stop letter"),
               LetterKind.INVITATION: gettext_lazy("Consult invitation"),
               LetterKind.RESEND: gettext_lazy("Cover letter when a stop letter is sent again")}


@practice_view(roles=LETTER_TEXT_EDITORS)
def template_list(request):
    stored = selectors.letter_templates_for(practice=request.practice)
    kinds = [(SLUG_OF_KIND[kind], label, stored.get(kind),
              stored[kind].subject if kind in stored else DEFAULTS[kind].subject)
             for kind, label in TEXT_LABELS.items()]
    return render(request, "letters/template_list.html", {
        "kinds": kinds, "role": request.membership.role})


def _kind(request) -> tuple[str, str]:
    """The kind of letter being edited, from ``?soort=`` (the stop letter by default)."""
    kind_slug = request.GET.get("soort", "stopbrief")
    if kind_slug not in KIND_SLUGS:
        raise Http404
    return kind_slug, KIND_SLUGS[kind_slug]


def _text_form(request, kind: str) -> LetterTextForm:
    current = selectors.letter_text_for(practice=request.practice, kind=kind)
    participations = selectors.preview_participations(practice=request.practice)
    # The patient picker names every patient it offers.
    audit_shown(request, participations.values_list("patient_id", flat=True))
    return LetterTextForm(
        request.POST or None, participations=participations,
        initial={"subject": current.subject, "body": current.body})


def _edit_page(request, kind_slug: str, form: LetterTextForm, preview: str | None):
    kind = KIND_SLUGS[kind_slug]
    body = form.data.get("body", form.initial["body"])  # unbound: the current text
    return render(request, "letters/template_edit.html", {
        "form": form, "kind": kind, "kind_label": TEXT_LABELS[kind],
        "kind_slug": kind_slug, "preview": preview,
        "own": selectors.letter_template_is_own(practice=request.practice, kind=kind),
        "readability": text.readability(body),
        "placeholders": text.PLACEHOLDERS,
        "print_problem": selectors.print_problem(request.practice),
    })


def _example_data(request) -> LetterData:
    editor_signs = request.membership.role == Role.HUISARTS
    return selectors.example_letter_data(
        practice=request.practice, letter_date=timezone.localdate(),
        fallback_signer=request.user if editor_signs else None)


def _posted_preview(request, form: LetterTextForm, *, as_pdf: bool):
    """The letter text from the form and the data of the patient chosen (or the example)."""
    letter_text = LetterText(subject=form.cleaned_data["subject"],
                             body=form.cleaned_data["body"])
    participation = form.cleaned_data["preview_for"]
    if participation is None:
        return letter_text, _example_data(request)
    return letter_text, services.letter_preview_data(participation=participation,
                                                     user=request.user, as_pdf=as_pdf)


def _edit_url(kind_slug: str) -> str:
    return f"{reverse('letters:template-edit')}?soort={kind_slug}"


@practice_view(roles=LETTER_TEXT_EDITORS)
@require_GET
def template_edit(request):
    """The editor with the current text, previewed for a made-up patient."""
    kind_slug, kind = _kind(request)
    form = _text_form(request, kind)
    current = LetterText(subject=form.initial["subject"], body=form.initial["body"])
    preview = services.letter_preview_html(kind=kind, letter_text=current,
                                           data=_example_data(request))
    return _edit_page(request, kind_slug, form, preview)


@practice_view(roles=LETTER_TEXT_EDITORS)
@require_POST
def template_preview(request):
    """The editor again, with the unsaved text previewed."""
    kind_slug, kind = _kind(request)
    form = _text_form(request, kind)
    if not form.is_valid():
        return _edit_page(request, kind_slug, form, None)
    letter_text, data = _posted_preview(request, form, as_pdf=False)
    preview = services.letter_preview_html(kind=kind, letter_text=letter_text, data=data)
    return _edit_page(request, kind_slug, form, preview)


@practice_view(roles=LETTER_TEXT_EDITORS)
@require_POST
def template_preview_pdf(request):
    """The unsaved text as a PDF, as the letter would be printed."""
    kind_slug, kind = _kind(request)
    form = _text_form(request, kind)
    if not form.is_valid():
        return _edit_page(request, kind_slug, form, None)
    letter_text, data = _posted_preview(request, form, as_pdf=True)
    response = HttpResponse(
        services.letter_preview_pdf(kind=kind, letter_text=letter_text, data=data),
        content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="voorbeeld.pdf"'
    return response


@practice_view(roles=LETTER_TEXT_EDITORS)
@require_POST
def template_save(request):
    kind_slug, kind = _kind(request)
    form = _text_form(request, kind)
    if not form.is_valid():
        return _edit_page(request, kind_slug, form, None)
    services.letter_template_save(practice=request.practice, kind=kind, user=request.user,
                                  subject=form.cleaned_data["subject"],
                                  body=form.cleaned_data["body"])
    messages.success(request, _("Letter text saved."))
    return redirect(_edit_url(kind_slug))


@practice_view(roles=LETTER_TEXT_EDITORS)
@require_POST
def template_reset(request):
    kind_slug, kind = _kind(request)
    services.letter_template_reset(practice=request.practice, kind=kind, user=request.user)
    messages.success(request, _("The default text is back."))
    return redirect(_edit_url(kind_slug))


def _image_page(request, *, form, remove, store, removed: str, saved: str, page: str,
                template: str, context: dict):
    """The logo's and the signature's page: upload (checked by the form), or remove."""
    if request.method == "POST" and request.POST.get("action") == "remove":
        if remove(practice=request.practice, user=request.user):
            messages.info(request, removed)
        return redirect(page)
    if request.method == "POST" and form.is_valid():
        store(practice=request.practice, user=request.user,
              data=form.cleaned_data["image"].data)
        messages.success(request, saved)
        return redirect(page)
    return render(request, template, {"form": form, **context})


@practice_view(roles=LOGO_EDITORS)
def logo(request):
    return _image_page(
        request, form=LogoForm(request.POST or None, request.FILES or None),
        remove=services.practice_logo_remove, store=services.practice_logo_set,
        removed=_("The logo was removed."),
        saved=_("The logo was saved. It is printed at the top of every letter."),
        page="letters:logo", template="letters/logo.html",
        context={"image": selectors.stored_image(request.practice.logo)})


@practice_view(roles=SIGNATURE_OWNERS)
def signature(request):
    stored = selectors.gp_signature_for(practice=request.practice, user=request.user)
    return _image_page(
        request, form=SignatureForm(request.POST or None, request.FILES or None),
        remove=services.gp_signature_remove, store=services.gp_signature_set,
        removed=_("Your signature was removed."),
        saved=_("Your signature was saved. It is printed above your name on letters you "
                "sign."),
        page="letters:signature", template="letters/signature.html",
        context={"image": selectors.stored_image(stored.image) if stored else None,
                 "signer_name": selectors.signer_name(request.user)})
