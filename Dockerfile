# leadlens, embedded default: one process, SQLite under /data, the bundled English model.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    LEADLENS_DATABASE_URL=sqlite:////data/leadlens.db \
    LEADLENS_HOST=0.0.0.0

WORKDIR /srv/leadlens
COPY pyproject.toml README.md ./
COPY app ./app
COPY ingest ./ingest
COPY models ./models
COPY alembic ./alembic
# torch==2.13.0 from plain PyPI is the CUDA build; pass the index of the CPU-only wheels with
# --build-arg PIP_EXTRA_INDEX_URL=... for a much smaller image.
ARG PIP_EXTRA_INDEX_URL=
RUN pip install --no-cache-dir -e .

VOLUME /data
EXPOSE 8000
CMD ["sh", "-c", "leadlens db upgrade && leadlens serve"]
