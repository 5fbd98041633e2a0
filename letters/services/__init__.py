"""Writes for letters (docs/domain.md, step 4), one module per concern:
``texts`` (a practice's letter texts and their preview), ``runs`` (print runs),
``resend`` (a stop letter sent again) and ``branding`` (logo and signature). Each write
takes the acting user and writes its audit entries. The names other apps use are
importable from here."""

from .branding import gp_signature_remove, gp_signature_set, practice_logo_remove, practice_logo_set
from .resend import letter_resend, resend_problem
from .runs import (
    letter_run_cancel,
    letter_run_claim,
    letter_run_create,
    letter_run_mark_mailed,
    letter_run_render,
    letter_run_send,
    letter_run_start,
    letter_runs_to_send,
    mailed_on_problem,
    run_is_stuck,
    run_may_cancel,
    run_stuck_from,
    run_sync_max,
    stale_claim_before,
    stop_letters_pdf,
)
from .shared import LettersRefused, files_delete_on_commit
from .texts import (
    letter_preview_data,
    letter_preview_html,
    letter_preview_pdf,
    letter_template_reset,
    letter_template_save,
)

__all__ = [
    "LettersRefused",
    "files_delete_on_commit",
    "gp_signature_remove",
    "gp_signature_set",
    "letter_preview_data",
    "letter_preview_html",
    "letter_preview_pdf",
    "letter_resend",
    "letter_run_cancel",
    "letter_run_claim",
    "letter_run_create",
    "letter_run_mark_mailed",
    "letter_run_render",
    "letter_run_send",
    "letter_run_start",
    "letter_runs_to_send",
    "letter_template_reset",
    "letter_template_save",
    "mailed_on_problem",
    "practice_logo_remove",
    "practice_logo_set",
    "resend_problem",
    "run_is_stuck",
    "run_may_cancel",
    "run_stuck_from",
    "run_sync_max",
    "stale_claim_before",
    "stop_letters_pdf",
]
