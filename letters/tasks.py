from celery import shared_task

from benzoproject.progress import progress_reporter

from .services import letter_run_claim, letter_run_render


def progress_key(run_id: int) -> str:
    return f"letter-run-progress-{run_id}"


@shared_task(name="letters.tasks.render_letter_run", acks_late=True)
def render_letter_run(run_id: int) -> None:
    """Render a large print run; claimed first, so a redelivered message does nothing."""
    if not letter_run_claim(run_id=run_id):
        return
    letter_run_render(run_id=run_id, progress=progress_reporter(progress_key(run_id)))
