# The Inkwell bot (the model runs in the vLLM container next to it; see compose.yaml).
FROM python:3.11-slim

WORKDIR /app
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    INKWELL_DATABASE=/data/inkwell.sqlite3 \
    INKWELL_LLM__BACKEND=openai

# Only what the openai backend needs: no torch, no transformers in this image.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY serving ./serving
COPY prompts ./prompts
# Editable, so the prompts/ folder beside the code is found where the code expects it.
RUN pip install -e .

VOLUME ["/data"]
CMD ["python", "-m", "bot", "run"]
