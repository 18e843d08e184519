import os

# Web workers serve one request at a time: numerical libraries (the insight pages use numpy,
# scipy and statsmodels) must not start a pool of BLAS threads per worker, which would compete
# with the other workers for the same cores. Set before numpy is first imported.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from django.core.wsgi import get_wsgi_application  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skreddersy.settings")
application = get_wsgi_application()

# Load every view module now rather than on the first request, then keep everything loaded so
# far (Django, the apps, the libraries), which lives as long as the worker, out of the garbage
# collector's full passes: those otherwise stall a request now and then for over 100 ms walking
# a few hundred thousand long-lived objects.
import gc  # noqa: E402

from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018 (imports the URLconf and its views)
gc.collect()
gc.freeze()
