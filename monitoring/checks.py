"""Deployment checks of the monitoring app (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def pseudonym_key_check(app_configs, **kwargs):
    """Without PSEUDONYM_KEY (and without DEBUG) the FTO group view refuses to open."""
    if settings.DEBUG or getattr(settings, "PSEUDONYM_KEY", ""):
        return []
    return [Warning("PSEUDONYM_KEY is not set: the monitor's FTO group view will not open.",
                    hint="Set PSEUDONYM_KEY in the environment (see .env.example).",
                    id="monitoring.W001")]
