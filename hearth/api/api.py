"""The one NinjaAPI instance. Each app mounts its router here; errors come back as JSON
(``{"detail": ...}``, see :mod:`hearth.api.schemas`) with a 4xx status, never an HTML page
or a 500. Every operation declares the errors it can return, so the OpenAPI document at
``/api/v1/openapi.json`` is complete; ``/api/v1/docs`` shows it with Swagger UI served
from the install."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import ValidationError as InputError

from hearth.analytics.api import router as analytics_router
from hearth.api.docs import LocalSwagger
from hearth.communities.api import router as communities_router
from hearth.core.ratelimit import RateLimited
from hearth.core.uploads import UploadFailed

api = NinjaAPI(
    title="Hearth API",
    version="1",
    urls_namespace="api",
    docs=LocalSwagger(),
    docs_url="/docs",
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Forbidden."}, status=403)


@api.exception_handler(UploadFailed)
def upload_failed(request, exc):
    """The server could not write an upload (disk full): not the client's fault, so not a
    422; 507 Insufficient Storage tells the client to try again later."""
    return api.create_response(request, {"detail": exc.messages[0]}, status=507)


@api.exception_handler(RateLimited)
def rate_limited(request, exc):
    """A rate limit: 429, with how long to wait in ``Retry-After`` and in the body."""
    response = api.create_response(
        request, {"detail": exc.messages[0], "retry_after": exc.retry_after}, status=429
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def invalid(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(InputError)
def invalid_input(request, exc):
    """A parameter of the wrong type or out of bounds: the same shape as ``invalid``, the
    messages under the parameter's name (``loc`` is ``["query", "page"]`` and the like)."""
    detail: dict[str, list[str]] = {}
    for error in exc.errors:
        name = ".".join(str(part) for part in error.get("loc", ())[1:]) or "__all__"
        detail.setdefault(name, []).append(error["msg"])
    return api.create_response(request, {"detail": detail}, status=422)


api.add_router("/communities", communities_router)
api.add_router("/communities", analytics_router)
