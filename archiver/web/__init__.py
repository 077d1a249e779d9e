"""The research page (``archiver ui``): read-only, server-rendered pages over one output root."""
