"""Sample news outlets served on 127.0.0.1 for demos, end-to-end and replay tests.

``themoscowtimes`` reproduces The Moscow Times' public templates; ``harbourgazette``
is a WordPress-style local paper on different conventions. Both render from the
JSON records in ``data/``, which are also the expected extraction results.
"""

from archiver.sample.server import SampleOutlets, serve_sample
from archiver.sample.store import DATA_DIR, copy_sample_data, load_articles

__all__ = ["DATA_DIR", "SampleOutlets", "copy_sample_data", "load_articles", "serve_sample"]
