"""Settings for the test suite: the product's settings with a key of the tests' own.

The tests never rely on a fallback key (there is none without debug) and never see a real one.
Requests in the tests come over plain HTTP (Django's test client, the live server for the
browser), so the HTTPS redirect is off; everything else, secure cookies included, is as in
production.
"""

import os

os.environ["SKREDDERSY_SECRET_KEY"] = "tests-only-key-" + "7f3c9a1e5b" * 6
os.environ["SKREDDERSY_SSL_REDIRECT"] = "0"

from skreddersy.settings import *  # noqa: E402, F403

# core.shapes: every kept statement is checked against a fresh build from its real values, so a
# build that reads anything but its key and values fails the test that runs it.
SKREDDERSY_CHECK_SHAPES = True
