# One image for the API and the worker: `docker run IMAGE api` or `docker run IMAGE worker`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    QUIETUDE_VAR_DIR=/var/lib/quietude \
    QUIETUDE_API_HOST=0.0.0.0 \
    QUIETUDE_API_PORT=8000

WORKDIR /app
# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml README.md ./
COPY domain domain
COPY workflows workflows
COPY activities activities
COPY store store
COPY api api
COPY quietude quietude
# Editable: the templates, the web pages and the reference data are read beside the code.
RUN pip install -e .
COPY data data
COPY templates templates
COPY static static

RUN useradd --system --uid 10001 --home-dir /var/lib/quietude --create-home quietude \
    && chown -R quietude:quietude /var/lib/quietude
USER quietude
VOLUME ["/var/lib/quietude"]
EXPOSE 8000

ENTRYPOINT ["quietude"]
CMD ["api"]
