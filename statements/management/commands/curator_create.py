"""``manage.py curator_create --username NAME``: make a curator and print how to log in."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from knox.settings import knox_settings

from statements.services.accounts import curator_create


def _expiry() -> str:
    ttl = knox_settings.TOKEN_TTL
    return f"expires in {ttl.days} days" if ttl else "never expires"


class Command(BaseCommand):
    help = (
        "Create or update a staff user in the curators group and print a new API token (stored "
        "hashed, expiring). --reset-password also revokes the user's other tokens."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        passwords = parser.add_mutually_exclusive_group()
        passwords.add_argument("--password", help="Set this password.")
        passwords.add_argument(
            "--reset-password",
            action="store_true",
            help="Set a fresh random password and print it.",
        )
        parser.add_argument("--email")
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000", help="Where the server will listen."
        )

    def handle(self, *args, username, password, reset_password, email, url, **options):
        if not username.strip():
            raise CommandError("--username must not be empty.")
        exists = get_user_model().objects.filter(username=username).exists()
        if reset_password or (password is None and not exists):
            # A new curator without a password could not log in; a printed random one can.
            password = secrets.token_urlsafe(12)
            shown = password
        else:
            shown = "(given on the command line)" if password else "(unchanged)"
        user, key = curator_create(
            username=username, password=password, email=email, rotate_token=reset_password
        )
        self.stdout.write(
            f"Curator {user.username!r} {'updated' if exists else 'created'}.\n"
            f"  Admin:     {url.rstrip('/')}/admin/\n"
            f"  Username:  {user.username}\n"
            f"  Password:  {shown}\n"
            f"  API token: {key}  (send 'Authorization: Token {key}'; {_expiry()})"
        )
