"""The JSON API (django-ninja), served at /api/v1/ with its OpenAPI at /api/v1/openapi.json.

Each app adds its router in its own ``api.py``; errors from services become 4xx JSON with a
field and a reason.
"""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import django_auth

from skreddersy.core.errors import ServiceError

api = NinjaAPI(
    title="skreddersy API",
    version="1",
    description="Arbeidsrettet oppfølging: brukere, vedtak, aktivitetsplan, dialog, oppgaver, tiltak og innsikt.",
    auth=django_auth,
    urls_namespace="api",
)


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    detail = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        detail.append({"field": ".".join(loc) or None, "reason": err.get("msg", "ugyldig verdi")})
    return api.create_response(request, {"code": "invalid", "message": "Ugyldig forespørsel.", "detail": detail}, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc):
    return api.create_response(
        request, {"code": "unauthenticated", "message": "Du må logge inn.", "detail": []}, status=401
    )


def _register_routers():
    import importlib

    for module, prefix in (
        ("skreddersy.followup.api", "/"),
        ("skreddersy.measures.api", "/tiltak/"),
        ("skreddersy.work.api", "/arbeid/"),
        ("skreddersy.insight.api", "/innsikt/"),
        ("skreddersy.insight.toolkit.api", "/innsikt/verktoy/"),
        ("skreddersy.insight.tailoring.api", "/innsikt/skreddersom/"),
        ("skreddersy.insight.calibration.api", "/innsikt/kalibrering/"),
    ):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                continue
            raise
        api.add_router(prefix, mod.router)


_register_routers()
