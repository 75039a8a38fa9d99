"""Atom feed of announced results: one entry per published round."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lunarshare.mass import format_mass

from .selectors import published_rounds, round_results


class ResultsFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("LunarShare: announced results")
    subtitle = gettext_lazy("Results of sample application rounds, as announced.")

    def link(self):
        return reverse("programs:results-list")

    def items(self):
        return published_rounds()[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        results = round_results(item)
        return _("%(institutions)d institutions from %(countries)d countries; %(mass)s approved in total.") % {
            "institutions": results.institutions_count, "countries": results.countries_count,
            "mass": format_mass(results.total_mass_ug)}

    def item_link(self, item):
        return reverse("programs:results-detail", args=[item.pk])

    def item_pubdate(self, item):
        return item.results_published_at

    def item_updateddate(self, item):
        return item.results_published_at
