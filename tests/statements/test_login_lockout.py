"""Admin logins: repeated wrong passwords lock the username out from that address."""

import pytest

pytestmark = pytest.mark.django_db


def login(client, password, address="127.0.0.1"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "curator", "password": password},
        REMOTE_ADDR=address,
    )


def test_the_limit_th_wrong_password_locks_the_login_even_with_the_right_one(
    client, curator, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "wrong").status_code == 200  # the form again, with its error
    assert login(client, "curator-password").status_code == 302, "still below the limit"
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "wrong")

    locked = login(client, "curator-password")

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert login(client, "curator-password", address="10.0.0.9").status_code == 302, (
        "another address is not locked out"
    )


def test_the_limit_comes_from_the_environment(monkeypatch):
    import importlib

    import contradict.settings as project_settings

    monkeypatch.setenv("AXES_FAILURE_LIMIT", "3")
    monkeypatch.setenv("AXES_COOLOFF_MINUTES", "15")
    try:
        reloaded = importlib.reload(project_settings)
        assert reloaded.AXES_FAILURE_LIMIT == 3
        assert reloaded.AXES_COOLOFF_TIME.total_seconds() == 900
    finally:
        monkeypatch.undo()
        importlib.reload(project_settings)
