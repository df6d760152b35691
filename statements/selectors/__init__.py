"""Reads: ``api`` for what the API and admin list, ``candidates`` for what the engine compares."""

from statements.selectors.api import *  # noqa: F403
from statements.selectors.search import statements_similar  # noqa: F401
