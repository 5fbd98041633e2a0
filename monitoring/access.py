"""Fetching monitoring objects for a request: scoped to the request's practice (404 across
practices) and named in the page's access log (benzoproject.access)."""

from benzoproject.access import PracticeRequest, fetch_for_user

from .models import ResultTarget


def get_result_target_for_user(request: PracticeRequest, project_uuid,
                               target_uuid) -> ResultTarget:
    target: ResultTarget = fetch_for_user(
        request, ResultTarget.objects.select_related("project__practice"),
        practice_path="project__practice", uuid=target_uuid, project__uuid=project_uuid)
    return target
