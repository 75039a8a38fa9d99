"""Who may do what in the cooperation registry. Everyone reads; officers maintain it;
officers and curators record gifts (a gift writes material off the catalogue)."""

import rules

from lunarshare.accounts.rules import is_curator, is_officer

can_maintain_registry = is_officer
can_record_gift = is_officer | is_curator

rules.add_perm("cooperation.maintain", can_maintain_registry)
rules.add_perm("cooperation.record_gift", can_record_gift)
