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
