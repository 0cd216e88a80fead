"""The one NinjaAPI instance. Each app mounts its router here; errors come back as JSON
(``{"error": {"code", "message", "fields"}}``, see :mod:`hearth.api.errors`) with a 4xx
status, never an HTML page or a 500. Every operation declares the errors it can return,
so the OpenAPI document at ``/api/v1/openapi.json`` is complete; ``/api/v1/docs`` shows it
with Swagger UI served from the install."""

from ninja import NinjaAPI

from hearth.analytics.api import router as analytics_router
from hearth.api.docs import LocalSwagger
from hearth.api.errors import install as install_error_handlers
from hearth.api.parser import JsonOnlyParser
from hearth.benefits.api import router as benefits_router
from hearth.communities.api import router as communities_router
from hearth.customers.api import router as customers_router
from hearth.discussions.api import router as discussions_router
from hearth.elections.api import router as elections_router
from hearth.events.api import router as events_router
from hearth.governance.api import router as governance_router
from hearth.groups.api import router as groups_router
from hearth.growth.api import router as growth_router
from hearth.ideas.api import router as ideas_router
from hearth.members.api import router as members_router
from hearth.moderation.api import router as moderation_router
from hearth.notifications.api import router as notifications_router
from hearth.qa.api import router as qa_router
from hearth.search.api import router as search_router
from hearth.webhooks.api import router as webhooks_router

api = NinjaAPI(
    title="Hearth API",
    version="1",
    urls_namespace="api",
    docs=LocalSwagger(),
    docs_url="/docs",
    parser=JsonOnlyParser(),
)


install_error_handlers(api)


api.add_router("/communities", communities_router)
api.add_router("/communities", analytics_router)
api.add_router("/communities", benefits_router)
api.add_router("/communities", discussions_router)
api.add_router("/communities", qa_router)
api.add_router("/communities", ideas_router)
api.add_router("/communities", events_router)
api.add_router("/communities", groups_router)
api.add_router("/communities", elections_router)
api.add_router("/communities", notifications_router)
api.add_router("/communities", members_router)
api.add_router("/communities", moderation_router)
api.add_router("/communities", growth_router)
api.add_router("/communities", customers_router)
api.add_router("/communities", search_router)
api.add_router("/communities", webhooks_router)
api.add_router("/communities", governance_router)
