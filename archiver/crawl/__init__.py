"""The crawl process: run, session, state, frontier, progress, report and its logs."""
