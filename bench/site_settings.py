"""Settings for the HTTP benchmark only: the project's, with the bench URLs on top.

Never used in production: ``bench/api_rps.py`` points gunicorn at it.
"""

from contradict.settings import *  # noqa: F403

ROOT_URLCONF = "site_urls"
