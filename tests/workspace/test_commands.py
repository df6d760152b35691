"""The landing page, and the management commands' one progress bar (plain lines off a
terminal, never Django's red stderr wrapper)."""

import io
import sys

from django.core.management import call_command

from statements.management.progress import progress


def test_the_landing_page_links_the_disputes_the_admin_and_the_api_docs(client, seeded):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    for link in ("/admin/statements/dispute/", "/admin/", "/api/docs/", "/api/redoc/"):
        assert f'href="{link}"' in page
    assert "7 open of 7" in page


def test_view_site_in_the_admin_leads_to_the_landing_page(curator_client, seeded):
    page = curator_client.get("/admin/").content.decode()
    assert 'href="/"' in page
    assert curator_client.get("/").status_code == 200


def test_off_a_terminal_progress_is_a_few_plain_lines_ending_with_the_count():
    out = io.StringIO()
    with progress(total=1000, unit="assertion", desc="re-check", file=out) as bar:
        for _ in range(1000):
            bar.update(1)
    lines = out.getvalue().splitlines()
    assert len(lines) == 10  # every tenth, then the end
    assert lines[-1] == "re-check: 1,000/1,000 assertions (100%)"
    assert "\r" not in out.getvalue() and "\x1b" not in out.getvalue()


def test_recheck_writes_its_progress_to_the_real_stderr_once(seeded, monkeypatch, capsys):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    call_command("conflicts_recheck")
    lines = err.getvalue().splitlines()
    assert lines[-1].startswith("re-check: ") and lines[-1].endswith("(100%)")
    assert len(lines) == len(set(lines))  # not doubled
    assert "\x1b" not in err.getvalue()  # not coloured
    assert "found 11" in capsys.readouterr().out


def test_load_seed_shows_its_progress_in_records(db, monkeypatch, capsys):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    call_command("load_seed")
    last = err.getvalue().splitlines()[-1]
    assert last.startswith("seed: ") and last.endswith("records (100%)")
    assert "7 disputes" in capsys.readouterr().out


def test_quiet_commands_show_no_progress(seeded, monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    call_command("conflicts_recheck", verbosity=0)
    assert err.getvalue() == ""
