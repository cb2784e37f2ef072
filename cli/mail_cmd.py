"""`lakepilot mail serve|list`: the local loopback SMTP sink and its outbox."""

from __future__ import annotations

import typer

mail_app = typer.Typer(help="The local mail sink (loopback SMTP → .eml files in the outbox).", no_args_is_help=True)


@mail_app.command("serve")
def serve(
    port: int = typer.Option(8025, "--port", help="Port on 127.0.0.1 (0 picks a free one)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Loopback address to bind (127.0.0.1, ::1, localhost)."),
) -> None:
    """Accept mail on a loopback port and write each message to the outbox until Ctrl-C (or SIGTERM)."""
    import signal
    import threading

    from cli.output import banner, err, fail
    from include.notify.sink import MailSink

    try:
        sink = MailSink(port=port, host=host)
    except ValueError as exc:
        fail(str(exc))
    # Own handlers, not Python's default KeyboardInterrupt: a process started in the background by a
    # script inherits SIGINT *ignored*, and would then never stop on Ctrl-C / SIGINT (seen in CI). The
    # handlers are in place before the sink's (non-daemon) server thread starts, so no signal is lost.
    stopping = threading.Event()
    received: list[str] = []

    def _stop(signum: int, _frame: object) -> None:
        received.append(signal.Signals(signum).name)
        stopping.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            info = sink.start()
        except OSError as exc:
            fail(str(exc))
        banner(f"mail sink on {info.host}:{info.port} → {info.outbox} (nothing is delivered; Ctrl-C stops)")
        while not stopping.wait(0.5):
            pass
        err.print(f"stopping the mail sink ({received[0]})")
    finally:
        sink.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@mail_app.command("list")
def list_(
    as_json: bool = typer.Option(False, "--json", help="JSON lines on stdout."),
    limit: int = typer.Option(20, "--limit", min=1, help="Newest N messages."),
) -> None:
    """Show the messages in the outbox, newest first."""
    from rich import box
    from rich.table import Table

    from cli.output import banner, json_line, out
    from include.config import outbox_dir
    from include.notify.outbox import list_outbox

    items = list_outbox()[:limit]
    if as_json:
        for item in items:
            json_line(item.model_dump(mode="json"))
        return
    banner(f"outbox {outbox_dir()} · {len(items)} message(s) shown")
    # Fits 80 columns: the date and file name never wrap; a long recipient list shows its first address and
    # how many more; the file column only when the terminal has room for it (--json has everything).
    wide = out.width >= 120
    table = Table(show_lines=False, box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("date (UTC)", no_wrap=True)
    table.add_column("to", overflow="fold", max_width=28)
    table.add_column("subject", overflow="fold", ratio=1)
    if wide:
        table.add_column("file", no_wrap=True)
    for item in items:
        recipients = [r.strip() for r in item.to.split(",") if r.strip()]
        to = recipients[0] + (f" +{len(recipients) - 1}" if len(recipients) > 1 else "") if recipients else ""
        cells = [f"{item.date:%Y-%m-%d %H:%M}" if item.date else "", to, item.subject]
        table.add_row(*cells, *([item.path.rsplit("/", 1)[-1]] if wide else []))
    out.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(mail_app, name="mail")
