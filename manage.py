#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skreddersy.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 (loads the settings: a missing or bad variable is told plainly)
    except ImproperlyConfigured as exc:
        sys.exit(f"skreddersy: {exc}")
    execute_from_command_line(sys.argv)
