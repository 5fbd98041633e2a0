"""The print run's tasks: rendering a large run, and beat's sending again of runs whose
task was lost (benzoproject/background.py, docs/architecture.md#celery)."""

from celery import shared_task

from benzoproject.background import send_each
from benzoproject.progress import progress_reporter

from .services import letter_run_claim, letter_run_render, letter_run_send, letter_runs_to_send


def progress_key(run_id: int) -> str:
    return f"letter-run-progress-{run_id}"


@shared_task(name="letters.tasks.render_letter_run", acks_late=True, ignore_result=True,
             bind=True)
def render_letter_run(self, run_id: int) -> None:
    """Render a large print run: claimed first, so a second message for a run being made
    does nothing, while this same message delivered again (its worker died) takes over."""
    claim = letter_run_claim(run_id=run_id, task_id=self.request.id or "")
    if not claim:
        return
    report = progress_reporter(progress_key(run_id))
    report(0)
    letter_run_render(run_id=run_id, progress=report, claim=claim)


@shared_task(name="letters.tasks.requeue_stale_runs", ignore_result=True)
def requeue_stale_runs() -> int:
    """Beat: send the task again for runs that wait without a message or whose worker
    died; stops at the first failure to reach the broker. Returns how many were sent."""
    return send_each(letter_runs_to_send(), letter_run_send)
