"""REST endpoints of the programs app, mounted under /api/v1/.

Detail routes are explicit (``applications/{id}/submit/`` …), so other apps may mount their
own ``applications/{id}/<verb>/`` routes after these (loans adds ``create-loan/``)."""

from rest_framework.routers import SimpleRouter

from .api import ApplicationViewSet, ReviewViewSet, RoundViewSet, RuleViewSet

router = SimpleRouter()
router.register("rules", RuleViewSet, basename="rule")
router.register("rounds", RoundViewSet, basename="round")
router.register("applications", ApplicationViewSet, basename="application")
router.register("reviews", ReviewViewSet, basename="review")

urlpatterns = router.urls
