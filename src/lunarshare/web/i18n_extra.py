"""Messages of libraries we use whose own Simplified Chinese catalogues lack them.

Marked with ``gettext_noop`` so ``makemessages`` puts them in our catalogue (which takes
precedence over the libraries' own), translated there like every other string. The list is
checked by ``web/tests/test_translations.py``: when a library update adds a message we show,
add it here. django-allauth's zh_Hans catalogue is complete, so nothing of it is needed.
"""

from django.utils.translation import gettext_noop

# django-countries: country names its zh_Hans catalogue leaves untranslated.
COUNTRIES = [
    gettext_noop("Democratic Republic of the Congo"),
    gettext_noop("Micronesia"),
    gettext_noop("South Georgia"),
    gettext_noop("Palestine"),
    gettext_noop("Saint Helena"),
    gettext_noop("Vatican City"),
    gettext_noop("Tanzania, the United Republic of"),
    gettext_noop("Bahamas (The)"),
    gettext_noop("Eswatini"),
    gettext_noop("Falkland Islands (Malvinas)"),
    gettext_noop("Netherlands (Kingdom of the)"),
    gettext_noop("North Macedonia"),
    gettext_noop("Türkiye"),
]

# Django REST framework: validation messages its zh_Hans catalogue lacks (API errors).
REST_FRAMEWORK = [
    gettext_noop("A valid biginteger is required."),
    gettext_noop("Integer value too large to convert to float"),
    gettext_noop("The number of days must be between {min_days} and {max_days}."),
]
