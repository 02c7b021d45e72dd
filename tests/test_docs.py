"""README.md documents the whole command line (as sqlite-utils tests its docs): every command
and subcommand, and every option of each, appears in it."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from jobs.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def _commands(group: click.Group, prefix: str = "pengaduan"):
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, path)


COMMANDS = list(_commands(main))


@pytest.mark.parametrize("path,command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_and_option_is_in_the_readme(path, command):
    assert f"`{path}" in README, f"README.md does not document `{path}`"
    for param in command.params:
        if isinstance(param, click.Option):
            names = [o for o in param.opts + param.secondary_opts if o.startswith("--") and o != "--help"]
            assert any(name in README for name in names), f"README.md does not document {path} {names}"


def test_the_global_options_are_in_the_readme():
    for param in main.params:
        assert any(o in README for o in param.opts if o.startswith("--")), param.opts


def test_the_benchmark_header_names_the_processor_the_benches_were_run_on():
    # bench.common.machine() prints "Intel(R) Xeon(R) Processor, 2 cores, …" first; the header
    # and every section's "on an Intel Xeon" must name the same machine.
    header = README[README.index("Figures below:"):][:120]
    assert header.startswith("Figures below: Intel(R) Xeon(R) Processor, 2 cores,") and "EPYC" not in README


def test_nginx_lets_through_every_request_the_desk_answers_itself():
    # The desk refuses a form over [intake] max_message_mb + 1 MB with the walk-in form again; nginx
    # must not cut such a request first with its own bare 413 page.
    from office.config_tables import IntakeTable

    desk_limit = IntakeTable().max_message_mb + 1
    root = Path(__file__).resolve().parent.parent
    for guide in ("DEPLOY.md", "PANDUAN-ADMIN.md"):
        sizes = re.findall(r"client_max_body_size (\d+)m;", (root / "docs" / guide).read_text())
        assert sizes and all(int(s) > desk_limit for s in sizes), guide
