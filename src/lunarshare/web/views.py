from django.shortcuts import render

from lunarshare.catalog.models import Mission, Sample


def home(request):
    """What the agency offers: the collection in figures, then open rounds and latest results
    (those sections are filled by the programmes app's selectors once it exists)."""
    context = {
        "missions": Mission.objects.all(),
        "sample_count": Sample.objects.count(),
    }
    return render(request, "web/home.html", context)
