# Planboard's image: one image for web (gunicorn), the Celery worker and beat; see docker-compose.yml.
FROM python:3.11-slim-bookworm

# The code runs from /app (not site-packages): settings find templates/, static/ and var/
# beside the packages, so only the dependencies are pip-installed and /app is on the path.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

# WeasyPrint (report card PDFs) needs Pango, HarfBuzz, fontconfig and a font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Static files are collected into the image with the production storage (hashed names, as
# served by WhiteNoise), which Django uses only when DEBUG is off. That needs a SECRET_KEY and
# ALLOWED_HOSTS; these throwaway values exist for this one command and are not kept in the image.
RUN mkdir -p static var/static var/media var/beat \
    && DEBUG=false SECRET_KEY=collectstatic-at-build-time-only ALLOWED_HOSTS=build \
        python manage.py collectstatic --noinput \
    && useradd --system --no-create-home --home-dir /app --shell /usr/sbin/nologin planboard \
    && chown -R planboard:planboard var

USER planboard
EXPOSE 8000

# Workers, worker class, timeout and logs: planboard/gunicorn_conf.py (GUNICORN_* variables).
CMD ["gunicorn", "-c", "python:planboard.gunicorn_conf", "planboard.wsgi"]
