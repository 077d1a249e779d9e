"""The Moscow Times: the real site's URL scheme and markup, from its outlet profile.

Run it against a mirror or the bundled sample with ``-a base_url=http://127.0.0.1:PORT``.
"""

from spiders.news import NewsSpider


class MoscowTimesSpider(NewsSpider):
    name = "themoscowtimes"
    outlet = "themoscowtimes"
