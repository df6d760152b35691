"""Reads: ``api`` for what the API and admin list, ``candidates`` for what the engine compares."""

from statements.selectors.api import *  # noqa: F403
