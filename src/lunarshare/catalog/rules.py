"""Who may do what in the catalogue.

Everyone (the public included) reads missions, samples, genealogy, ledger and custody kinds;
storage locations are for curators, officers and auditors; only curators change samples.
"""

import rules

from lunarshare.accounts.rules import is_auditor, is_curator, is_officer

can_see_storage = is_curator | is_officer | is_auditor

rules.add_perm("catalog.manage_samples", is_curator)
rules.add_perm("catalog.import_samples", is_curator)
rules.add_perm("catalog.view_storage", can_see_storage)
# Splitting off, writing off and releasing material also happens inside loan and gift services
# run by programme officers (a cancelled loan releases its samples, a gift writes a piece off).
rules.add_perm("catalog.release_material", is_curator | is_officer)


@rules.predicate
def holds_sample_on_loan(user, sample) -> bool:
    """The person is on the team of an open loan item holding ``sample`` (a borrower may consume
    what was lent to them). Reads the loans app through the reverse relation only, so the
    catalogue does not import upwards."""
    if not (user and user.is_authenticated and sample is not None and sample.pk):
        return False
    from django.db.models import Q

    return sample.loan_items.filter(closed_at__isnull=True).filter(
        Q(loan__responsible=user) | Q(loan__team=user)).exists()


rules.add_perm("catalog.consume", is_curator | holds_sample_on_loan)
