"""``{% load opendata %}{% sample_jsonld sample %}`` / ``{% dataset_jsonld dataset %}``: the
schema.org JSON-LD block of a landing page (a data block, not a script; escaped)."""

from django import template

from .. import jsonld

register = template.Library()


@register.simple_tag
def sample_jsonld(sample):
    return jsonld.script_tag(jsonld.sample_jsonld(sample))


@register.simple_tag
def dataset_jsonld(dataset):
    return jsonld.script_tag(jsonld.dataset_jsonld(dataset))
