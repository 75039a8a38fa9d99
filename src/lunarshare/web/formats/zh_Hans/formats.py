# Only the differences from django/conf/locale/zh_Hans/formats.py (which is used for the rest).
from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
