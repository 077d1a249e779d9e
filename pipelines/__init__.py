"""Item pipelines: where extracted articles go besides the feed exports."""
