# Ảnh ứng dụng TĐKT Dashboard cho deploy/compose.yaml (docs/deploy.md, mục “Cài đặt bằng Docker Compose”).
# Một ảnh cho mọi dịch vụ: tiến trình ứng dụng (lệnh mặc định dưới đây), `python -m tdkt init` và các việc hằng ngày.
FROM python:3.11-slim-bookworm

# chromium: kaleido draws the chart pack's PNGs in it; fonts-liberation2: the certificates' PDF embeds Liberation
# Serif; tzdata: "today" (deadlines, reminders, backup names) is Vietnam's day, as on the systemd install.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-liberation2 tzdata \
    && rm -rf /var/lib/apt/lists/*
ENV TZ=Asia/Ho_Chi_Minh \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The same account and folders as deploy/tdkt@.service; a fixed uid so that the secret file can be given to it.
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/tdkt --create-home --shell /usr/sbin/nologin tdkt \
    && install -d -o tdkt -g tdkt /var/lib/tdkt/files /var/backups/tdkt

WORKDIR /srv/tdkt
COPY requirements.txt ./
RUN pip install -r requirements.txt
# The code after the libraries: a code change rebuilds from here (.dockerignore leaves out data/, .venv, tests).
COPY . ./

USER tdkt
EXPOSE 8501
# Listens on every address of its container, reached only through nginx on the compose network (no port published).
ENTRYPOINT ["python", "-m", "streamlit", "run", "app.py", "--server.address", "0.0.0.0", "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
CMD ["--server.port", "8501"]
