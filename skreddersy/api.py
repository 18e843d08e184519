"""The JSON API (django-ninja), served at /api/v1/ with its OpenAPI at /api/v1/openapi.json.

Each app adds its router in its own ``api.py``; errors from services become 4xx JSON with a
field and a reason.
"""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth
from pydantic import BaseModel

from skreddersy.core.errors import ServiceError, out_of_range, out_of_range_errors


class ApiErrorDetail(BaseModel):
    field: str | None
    reason: str


class ApiError(BaseModel):
    """Every 4xx answer: a code, a message and the fields it concerns."""

    code: str
    message: str
    detail: list[ApiErrorDetail]


# The refusals any operation can give, whichever router it is in: a body that is not JSON (400), not
# logged in (401), not allowed (403, or a missing CSRF token), nothing by that id or not visible to
# you (404, alike), a conflict
# (409: a stale version, a full offering, an idempotency key in use), invalid input (422).
COMMON_ERRORS = {
    "400": "Forespørselen kunne ikke leses (innholdet er ikke gyldig JSON).",
    "401": "Ikke innlogget.",
    "403": "Ingen tilgang.",
    "404": "Fant ikke det du lette etter (også for det du ikke har tilgang til).",
    "409": "Konflikt: endret av andre, fullt, eller samme Idempotency-Key brukt av en forespørsel som pågår.",
    "422": "Ugyldig forespørsel, med feltet og grunnen.",
}


class SkreddersyAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """The OpenAPI document with every refusal each operation can give documented on it."""
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error_schema = ApiError.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in error_schema.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components.setdefault("ApiError", error_schema)
        ref = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in COMMON_ERRORS.items():
                    responses.setdefault(status, {"description": description, "content": ref})
        return schema


api = SkreddersyAPI(
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


def _out_of_range(request: HttpRequest, exc):
    return service_error(request, out_of_range(exc))


for _error in out_of_range_errors():
    api.add_exception_handler(_error, _out_of_range)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    """ninja's own refusals (a missing or wrong CSRF token: 403) in the same shape as ours."""
    from django.utils.translation import gettext

    code = {403: "forbidden", 404: "not_found", 409: "conflict"}.get(exc.status_code, "invalid")
    if "CSRF" in str(exc):
        message = "Mangler eller ugyldig CSRF-token."
    elif exc.status_code == 400:  # ninja's "Cannot parse request body": a body that is not JSON
        message = gettext("Innholdet i forespørselen kan ikke leses: send gyldig JSON.")
    else:
        message = str(exc)
    return api.create_response(
        request, {"code": code, "message": message, "detail": [{"field": None, "reason": message}]}, status=exc.status_code
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
        ("skreddersy.workload.api", "/arbeidsbelastning/"),
    ):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                continue
            raise
        api.add_router(prefix, mod.router)


_register_routers()
