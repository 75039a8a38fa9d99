"""Project format modules (``FORMAT_MODULE_PATH``): override only what Django's own differ on.

Django's ``zh_Hans`` formats group digits in fours with no separator ("19353"); the agency's
Chinese publications (and the national statistics bureau) group in threes with a comma
("1,935.3 克"), so numbers and masses read the same way in both languages.
"""
