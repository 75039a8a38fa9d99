"""One read-only admin mixin: the catalogue, loans and programmes admins use the shared one."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from lunarshare.admin_readonly import ReadOnlyAdminMixin
from lunarshare.catalog.models import CustodyEvent, LedgerEntry, Sample
from lunarshare.loans.models import Incident, Loan, Shipment
from lunarshare.programs.models import Application, Review, Round


@pytest.mark.parametrize("model", [Sample, LedgerEntry, CustodyEvent, Loan, Incident, Shipment, Application,
                                   Review, Round])
def test_service_owned_rows_use_the_shared_read_only_admin(model, db):
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, ReadOnlyAdminMixin)
    request = RequestFactory().get("/admin/")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request) and not model_admin.has_delete_permission(request)
