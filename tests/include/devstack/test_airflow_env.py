"""The connections `make run` presets actually work with the local services they point at."""

from __future__ import annotations

from pathlib import Path

from include.devstack.airflow_env import AirflowConfig, smtp_connection
from include.devstack.procs import free_port
from include.notify.message import build_message
from include.notify.outbox import list_outbox
from include.notify.sink import MailSink
from include.notify.smtp import SmtpSettings, send_message


def test_preset_smtp_connection_delivers_to_the_loopback_sink(tmp_path: Path) -> None:
    port = free_port()
    conn = smtp_connection(port)
    settings = SmtpSettings.from_connection_fields(
        conn["host"], conn["port"], conn.get("login"), conn.get("password"), conn["extra"]
    )
    with MailSink(port=port, outbox=tmp_path / "outbox"):
        send_message(build_message("hello", ["platform-team@example.com"], "<p>hi</p>", "hi"), settings)
    (message,) = list_outbox(tmp_path / "outbox")
    assert message.subject == "hello"


def test_airflow_env_wires_folders_auth_and_connections(tmp_path: Path) -> None:
    config = AirflowConfig(home=tmp_path / "af", port=18123, connections={"smtp_default": smtp_connection(2525)})
    config.write_passwords()
    env = config.env()
    assert env["AIRFLOW__CORE__DAGS_FOLDER"].endswith("/dags")
    assert env["AIRFLOW__CORE__PLUGINS_FOLDER"].endswith("/plugins")
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:18123/execution/"
    assert '"port": 2525' in env["AIRFLOW_CONN_SMTP_DEFAULT"]
    assert config.passwords["admin"] and config.passwords_file.is_file()
    # Passwords survive a second write (the login a user was shown stays valid).
    again = AirflowConfig(home=tmp_path / "af", port=18123)
    assert again.write_passwords() == config.passwords
