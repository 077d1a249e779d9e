"""The archiver's benchmark against bare Scrapy, wget and scrapy-playwright (``make bench``)."""
