import os

# Web workers serve one request at a time: numerical libraries (the insight pages use numpy,
# scipy and statsmodels) must not start a pool of BLAS threads per worker, which would compete
# with the other workers for the same cores. Set before numpy is first imported.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from django.core.wsgi import get_wsgi_application  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skreddersy.settings")
application = get_wsgi_application()
