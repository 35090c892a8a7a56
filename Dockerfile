# The Inkwell bot (the model runs in the vLLM container next to it; see compose.yaml).
FROM python:3.11-slim

WORKDIR /app
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    INKWELL_DATABASE=/data/inkwell.sqlite3 \
    INKWELL_LLM__BACKEND=openai

# Only what the openai backend needs: no torch, no transformers in this image.
COPY pyproject.toml README.md ./
COPY inkwell ./inkwell
COPY bot ./bot
COPY cogs ./cogs
COPY serving ./serving
COPY prompts ./prompts
# A regular install: prompts, presets and migrations are package data.
RUN pip install . && rm -rf inkwell bot cogs serving prompts

VOLUME ["/data"]
CMD ["inkwell", "run"]
