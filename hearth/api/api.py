"""The one NinjaAPI instance. Each app mounts its router here; errors come back as JSON
(``{"detail": ...}``) with a 4xx status, never an HTML page or a 500."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI

from hearth.analytics.api import router as analytics_router
from hearth.communities.api import router as communities_router
from hearth.core.uploads import UploadFailed

api = NinjaAPI(
    title="Hearth API",
    version="1",
    urls_namespace="api",
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


@api.exception_handler(ValidationError)
def invalid(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


api.add_router("/communities", communities_router)
api.add_router("/communities", analytics_router)
