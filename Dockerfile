# One image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

# System packages come from the same list CI installs, so the two cannot drift.
COPY deploy/apt-runtime.txt /tmp/apt-runtime.txt
RUN apt-get update \
 && grep -v '^\s*#' /tmp/apt-runtime.txt | xargs apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

COPY . .
# collectstatic needs settings but no real secrets or servers.
RUN DJANGO_SECRET_KEY=build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(48))') \
    DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    EMAIL_URL=smtp://localhost:25 CREDO_SIGNING=off \
    python manage.py collectstatic --noinput

RUN useradd --system --uid 10001 --home /app credo && mkdir -p /app/var && chown credo /app/var
USER credo
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
