# Benzoreductie: one image for web (gunicorn), Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Pango and a font for WeasyPrint (letters as PDF); cairo for cairosvg (an uploaded SVG
# logo becomes a PNG); gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libcairo2 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 --user-group app

WORKDIR /app

# Dependencies first, so a code change does not reinstall them: the runtime lock
# only (no test or dev extras), every package pinned and checked by its hash.
# `make smoke` installs the same lock into a fresh virtualenv and starts the app.
# The project itself is not installed: it runs from /app.
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes --no-deps -r requirements/base.txt && pip check

COPY --chown=app:app . .
# media/ exists and belongs to app so the named volume mounted there is writable.
RUN mkdir -p media var staticfiles && chown app:app /app media var staticfiles

USER app

# Settings refuse to load without SECRET_KEY when DEBUG is off; these values exist
# only for the two build steps and are not in the image's environment.
RUN SECRET_KEY=build-only DEBUG=false python manage.py compilemessages \
    && SECRET_KEY=build-only DEBUG=false python manage.py collectstatic --noinput

EXPOSE 8000

CMD ["gunicorn", "benzoproject.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
