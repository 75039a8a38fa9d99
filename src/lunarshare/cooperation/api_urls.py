"""REST endpoints of the cooperation app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("partners", api.PartnerViewSet, basename="partner")
router.register("agreements", api.AgreementViewSet, basename="agreement")
router.register("gifts", api.GiftViewSet, basename="gift")
router.register("payloads", api.PayloadViewSet, basename="payload")

urlpatterns = router.urls
