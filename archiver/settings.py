"""Every default of the archiver in one place (Scrapy reads this via scrapy.cfg).

Archiver settings are grouped under ``ARCHIVER_*``; the CLI overrides them
per run. Never enable Scrapy's HTTP cache here: cache hits bypass recording.
"""

from archiver import __version__

BOT_NAME = "archiver"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# --- Archiver -------------------------------------------------------------
ARCHIVER_OUTPUT_ROOT = "warcs"          # state.sqlite, locks/ and one folder per crawl
ARCHIVER_OUTPUT_DIR = None              # this crawl's folder; set by the CLI
ARCHIVER_CRAWL_ID = None
ARCHIVER_OPERATOR = ""                  # who ran the crawl, for the warcinfo record
ARCHIVER_WARC_PREFIX = "archiver"
ARCHIVER_WARC_ROLLOVER_SIZE = 1_000_000_000   # bytes; a new file starts after this
ARCHIVER_WARC_DIGEST = "sha1"           # or "sha256"
ARCHIVER_WARC_GZIP_LEVEL = 6            # warcio's default 9 costs CPU for ~1% size
ARCHIVER_DEDUP_ENABLED = True           # revisit records for payloads already stored under the root

ARCHIVER_RENDER = "auto"                # auto | always | never
ARCHIVER_SCREENSHOTS_ENABLED = True
ARCHIVER_SCREENSHOT_MAX_HEIGHT = 20_000 # px; taller pages are clipped
ARCHIVER_VIEWPORT = {"width": 1366, "height": 900}
ARCHIVER_PAGE_TEXT_ENABLED = True       # urn:text (visible text) and urn:pageinfo records per render, for archiver qa
ARCHIVER_PAGE_TIMEOUT = 90              # s; hard cap on one render: load, behaviours, screenshot
ARCHIVER_SCROLL_STEP_DELAY = 0.05       # s between scroll steps (lazy images need time to load)
ARCHIVER_MAX_SCROLLS = 40               # endless pages stop here
ARCHIVER_LAZY_IMAGES_ENABLED = True     # after the scroll, bring images still waiting for a lazy loader into view
ARCHIVER_LOAD_MORE_MAX_CLICKS = 5       # presses of "load more" per page (each must bring new links)
ARCHIVER_MAX_PAGINATION = 5             # presses of a list's "next" button (client-side pagination) per page
ARCHIVER_SHELL_MAX_TEXT = 300           # characters; a page with no more visible text and a mark of an app
                                        # (empty #root, noscript "enable JavaScript", bootstrap data) is a shell
ARCHIVER_CHROMIUM = None                # path; else $ARCHIVER_CHROMIUM, else /usr/bin/chromium
ARCHIVER_BROWSER_RECYCLE_PAGES = 500    # restart Chromium after this many renders (0: never)
ARCHIVER_TAB_RENDERS = 25               # pages one tab renders before it is closed (1: a new tab per page)
ARCHIVER_BROWSER_CRASH_RETRIES = 1      # re-render a page whose tab or browser died this often
ARCHIVER_BROWSER_JS_HEAP_MB = 1024      # V8 heap cap per tab; a page exhausting it crashes its tab (0: Chromium's)
ARCHIVER_BLOCK_PRIVATE_ADDRESSES = False  # refuse hosts resolving to loopback/private ranges (the CLI
                                        # turns it on for config-file targets and URLs)

ARCHIVER_PROXY = None                   # http://, https:// or socks5:// URL for fetches and the browser
ARCHIVER_MAX_PAGES = 0                  # 0 = no limit
ARCHIVER_DEPTH = 2                      # link hops from a start page
ARCHIVER_SINCE = None                   # ISO date; older articles are skipped
ARCHIVER_MAX_RETRY_AFTER = 60.0         # s; longest Retry-After honoured between requests to a site
ARCHIVER_MAX_ERROR_RATE = 0.5           # failed pages / attempted pages above this: exit 5
# walls, paywalls and blocks (archiver.verdict, archiver.capture.blocks; docs/walls.md)
ARCHIVER_WALL_THIN_WORDS = 150          # a page with fewer visible words may be a wall (captcha widget, consent, 404)
ARCHIVER_ARTICLE_MIN_WORDS = 80         # a sitemap page of a URL target is an article with this many words, dated or signed
ARCHIVER_PARTIAL_WORD_RATIO = 0.6       # extracted words / the page's declared wordCount below this: partial
ARCHIVER_ON_BLOCK = "stop"              # stop | wait: what a host that keeps answering with walls gets
ARCHIVER_BLOCK_AFTER = 3                # walls in a row from one host before it counts as blocked
ARCHIVER_BLOCK_PROBES = 2               # requests let through after each back-off before the host is given up
ARCHIVER_BLOCK_BACKOFF = 30.0           # s to wait before probing when the wall sent no Retry-After
ARCHIVER_BLOCK_MAX_WAIT = 900.0         # s; --on-block wait gives a blocked host up after waiting this long
ARCHIVER_BLOCK_SHARING = None           # a BlockSharing class (a --workers crawl: Redis); None: this process only
ARCHIVER_EXTRACTION_WORKERS = None      # article extraction processes; None: one per spare core (max 2), 0: inline
ARCHIVER_PROGRESS = "auto"              # auto (live display on a terminal) | plain | quiet
ARCHIVER_CRAWL_LOG = "crawl.log"        # the full log, in the crawl folder (None: none)
ARCHIVER_CRAWL_LOG_LEVEL = "INFO"       # its level; the terminal shows warnings only (see archiver.crawl.logs)
ARCHIVER_ITEM_FILES_DIR = ""            # items.jsonl/csv, under the crawl folder (a worker's: workers/<id>)
ARCHIVER_PROGRESS_LIVE_INTERVAL = 0.5   # s between redraws of the live display
ARCHIVER_PROGRESS_LOG_INTERVAL = 10.0   # s between plain progress lines

# --- Discovery: robots.txt, sitemaps, feeds, links ------------------------------
ARCHIVER_SITEMAP_MAX_SIZE = 50 * 1024 * 1024   # bytes of one sitemap or feed, on the wire and decompressed
                                        # (sitemaps.org's own limit); over it: failure `too-large`
ARCHIVER_SITEMAP_MAX_URLS = 50_000      # entries read from one sitemap or feed (sitemaps.org's limit);
                                        # the first ones are used, the document counts as `too-large`
ARCHIVER_DISCOVER_ONLY = False          # read robots.txt, sitemaps, feeds and pages; fetch no article
# Links never followed from pages (non-content and calendar traps); a profile's exclude_pattern adds to it.
ARCHIVER_SKIP_LINK_PATTERN = (
    r"(?i)(/(log-?in|log-?out|sign-?in|sign-?out|sign-?up|register|account|my-account|cart|checkout|"
    r"search|share|sharer|print|calendar|events/calendar|wp-admin|wp-login\.php|feed|rss|xmlrpc\.php)(/|$|\?))"
    r"|[?&](share|print|replytocom|s|q|query|search|month|year|day|date|ical|calendar|sort|order|"
    r"output|format|utm_[a-z]+)="
    r"|\.(ics|ical)$"
)
# --- History: re-visits and versions (archiver.history) ---------------------
# Known articles are re-checked on NewsDiffs' decaying schedule, by age (datePublished, else first
# capture): "under AGE:every INTERVAL" steps; past the last age, never. Units s m h d w.
ARCHIVER_REVISIT_SCHEDULE = "3h:15m 1d:1h 7d:3h 30d:3d 365d:30d"
ARCHIVER_REVISIT_ALL = False            # --revisit: check every article within the horizon now, due or not
ARCHIVER_CONDITIONAL_REQUESTS = True    # re-checks send If-None-Match/If-Modified-Since; a 304 is a revisit record
ARCHIVER_VERSION_FLIP_LIMIT = 2         # a text already seen this often is not a new version again (flip-flops)

# --- Distributed crawls (archiver.distributed): many workers, one Redis --------
ARCHIVER_REDIS_URL = None               # set by `crawl --workers/--redis` and `worker`; None: one process, SQLite
# A callable (settings, crawl_id, sqlite_state, sqlite_dedup) -> (state, dedup) that swaps the crawl
# state and digest index for shared ones; None keeps the root's SQLite files. A distributed worker
# sets "archiver.distributed.backends.shared_backends".
ARCHIVER_STATE_BACKENDS = None
ARCHIVER_REDIS_PREFIX = "archiver"      # namespace of the crawl keys (the digest index keeps Browsertrix's names)
ARCHIVER_RESUME_RECOVER = True          # a resumed crawl first rebuilds its item files from its WARC files
                                        # (off in workers: they share the folder; the coordinator's join does it)
ARCHIVER_WORKER_ID = None               # this worker's name (in its WARC file names); set by the CLI
ARCHIVER_REDIS_LEASE_TTL = 30           # s; a worker's lease on a request lapses this long after it stops renewing
ARCHIVER_REDIS_MAX_RETAKES = 3          # a request whose workers keep dying is given up after this many retakes
ARCHIVER_HOST_CONCURRENCY = 0           # requests at once to one host, crawl-wide, held in Redis (0: CONCURRENT_REQUESTS_
                                        # PER_DOMAIN; a coordinator's N workers each get 1/N of it as their own)
ARCHIVER_REDIS_MAX_HELD = 0             # leases one worker holds at once (0: CONCURRENT_REQUESTS_PER_DOMAIN)
ARCHIVER_REDIS_LEASE_BATCH = 4          # requests a worker leases in one round trip (within MAX_HELD)
ARCHIVER_REDIS_POLL = 0.1               # s; how often a worker with nothing to do asks Redis for work
ARCHIVER_REDIS_PROGRESS_INTERVAL = 1.0  # s; how often a worker publishes its figures (live display, crawl.json)

# --- Scrapy -----------------------------------------------------------------
USER_AGENT = (
    f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    f"Chrome/156.0.0.0 Safari/537.36 news-archiver/{__version__} "
    f"(+https://github.com/news-archiver/news-archiver)"
)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4     # an outlet's politeness.concurrency overrides it
DOWNLOAD_DELAY = 0                     # s; an outlet's politeness.delay overrides it
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 100 * 1024 * 1024
DOWNLOAD_WARNSIZE = 32 * 1024 * 1024
DOWNLOAD_FAIL_ON_DATALOSS = False      # keep cut-off bodies: archived as WARC-Truncated, counted connection-reset
REDIRECT_MAX_TIMES = 10
HTTPCACHE_ENABLED = False
HTTPERROR_ALLOW_ALL = False
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
# No listening socket in a crawl: Scrapy 2.19's remote control runs any Python sent with
# its token (--set REMOTE_CONTROL_ENABLED=true turns it back on). Chromium talks over a pipe.
REMOTE_CONTROL_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"                     # crawl.log and Scrapy's log counts; --log-level sets the terminal's
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"

DOWNLOADER_MIDDLEWARES = {
    # after RedirectMiddleware (600) on the way out: sees each 3xx, to detect loops
    "archiver.capture.guard.GuardMiddleware": 650,
    "archiver.crawl.frontier.FrontierMiddleware": 50,
    "archiver.capture.proxy.ProxyMiddleware": 700,
    "archiver.capture.backoff.BackoffMiddleware": 555,   # sees 429/503 before RetryMiddleware (550)
    "archiver.capture.walls.WallMiddleware": 570,       # walls fail before Retry/Backoff see them; blocks
    "archiver.capture.render.RenderMiddleware": 560,
    "archiver.capture.compressed.CompressedBodyMiddleware": 595,   # just before HttpCompression (590)
}
EXTENSIONS = {
    "archiver.crawl.logs.CrawlLog": -100,       # first, so it sees the other components start
    "archiver.capture.fetch.FetchRecorder": 0,
    "archiver.crawl.report.CrawlReporter": 10,
    "archiver.crawl.progress.ProgressDisplay": 20,
}
ITEM_PIPELINES = {
    "pipelines.warc_metadata.ItemWarcPipeline": 300,
    "pipelines.text_export.TextExportPipeline": 400,
    "pipelines.search_index.SearchIndexPipeline": 450,
    "pipelines.item_files.ItemFilesPipeline": 500,      # last: the item is on disk, the state may commit it
}

# --- the browser (archiver.capture.handler.BrowserDownloadHandler) ------------
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# One handler instance serves both schemes, so one browser; plain fetches go through Scrapy's HTTP client.
DOWNLOAD_HANDLERS = {
    "http": "archiver.capture.handler.BrowserDownloadHandler",
    "https": "archiver.capture.handler.BrowserDownloadHandler",
}
ARCHIVER_BROWSER_TABS = 8               # tabs rendering at once: a page waits on the network much of its time
ARCHIVER_NAVIGATION_TIMEOUT = 45        # s to a page's load event; capped by ARCHIVER_PAGE_TIMEOUT
ARCHIVER_DOWNLOAD_WAIT = 10             # s to notice a page URL is a download (then fetched plainly)
ARCHIVER_IGNORE_TLS_ERRORS = False      # the browser accepts invalid certificates (--ignore-tls-errors)
# Browser.new_context() options; the viewport (ARCHIVER_VIEWPORT) and USER_AGENT are added from the crawl's
# settings. The browser sends its own headers and cookies (what a reader's browser sends); its requests pass
# archiver.capture.guard.TabGuard (in Chromium, cache on).
ARCHIVER_BROWSER_CONTEXT = {
    "service_workers": "block",          # requests served by a service worker escape recording
    "accept_downloads": False,           # downloads are refetched without the browser (size caps apply)
}

# --- Logged-in crawls (archiver.profiles, docs/logged-in.md) -----------------
ARCHIVER_PROFILES_DIR = None            # None: $XDG_CONFIG_HOME/news-archiver/profiles (~/.config/...); never
                                        # inside an output root
ARCHIVER_PROFILE = None                 # the login profile a crawl uses (crawl --profile NAME); only its name travels
ARCHIVER_KEEP_CREDENTIALS = False       # keep the profile's Cookie/Authorization values in request records
ARCHIVER_CREDENTIALS_MARKER = "archiver-redacted"   # what replaces them (docs/logged-in.md)
ARCHIVER_LOGIN_USERNAME_ENV = "ARCHIVER_LOGIN_USERNAME"   # environment variable with the login's username
ARCHIVER_LOGIN_PASSWORD_ENV = "ARCHIVER_LOGIN_PASSWORD"   # ... and with its password (or --password-file)
ARCHIVER_LOGIN_PASSWORD_FILE = None     # a file whose first line is the password (crawl/profile --password-file)
ARCHIVER_RELOGINS = 1                   # a lapsed session is logged in again this often per crawl, then the host stops
ARCHIVER_LOGIN_TIMEOUT = 60             # s for a recipe login (page load, form, the logged_in check)
ARCHIVER_INTERACTIVE_LOGIN_TIMEOUT = 900   # s an interactive login waits for the archivist

# --- Replay QA (archiver qa, crawl --qa) --------------------------------------
ARCHIVER_QA_PIXEL_THRESHOLD = 0.1       # pixelmatch's colour threshold per pixel (Browsertrix QA's)
ARCHIVER_QA_SCREENSHOT_MIN = 0.95       # a page passes with at least this share of matching pixels,
ARCHIVER_QA_TEXT_MIN = 0.9              # this normalised edit-distance similarity of the visible text,
ARCHIVER_QA_ARTICLE_MIN = 1.0           # and this share of its body paragraphs found in the replay
ARCHIVER_QA_OVERLAY_SHARE = 0.3         # a fixed box over this share of the first screen is an overlay
ARCHIVER_QA_SETTLE = 5                  # s to wait for the network to go quiet after load and after the scroll
ARCHIVER_QA_MIN_SCORE = None            # --qa-min-score / qa --min-score: exit 10 when an article scores below it

# --- Search and the research page -------------------------------------------
ARCHIVER_SEARCH_ENABLED = True          # index every article version as it is written (<root>/search.sqlite)
ARCHIVER_SEARCH_INDEX = "search.sqlite" # file name under the output root
ARCHIVER_SEARCH_BATCH = 50              # versions per SQLite transaction while crawling (the rest at the end)
ARCHIVER_SEARCH_WEIGHTS = (10.0, 4.0, 1.0)   # bm25 weights: title, byline, body
ARCHIVER_SEARCH_LIMIT = 20              # results per query
ARCHIVER_SEARCH_SNIPPET_TOKENS = 24     # words around the match in a snippet
ARCHIVER_REPLAY_BASE_URL = "http://127.0.0.1:8090"   # where `archiver replay ROOT --port 8090` serves;
                                        # `archiver search` prints replay links under it
ARCHIVER_UI_HOST = "127.0.0.1"
ARCHIVER_UI_PORT = 8080
ARCHIVER_UI_THREADS = 4                 # requests the research page serves at once
ARCHIVER_ALLOWED_HOSTS = ("127.0.0.1", "localhost")   # Host headers the research page and replay answer to,
                                        # besides --host and --allowed-host; any other is refused (DNS rebinding)

# --- Authenticity: signed WACZ packages (docs/authenticity.md) ------------------
ARCHIVER_SIGNING_KEY = None             # private key file; None: $ARCHIVER_SIGNING_KEY, else
                                        # $XDG_CONFIG_HOME/news-archiver/signing-key.pem (never in an output root)
ARCHIVER_SIGNING_TOKEN_ENV = "ARCHIVER_SIGNING_TOKEN"   # env variable holding a signing server's token
ARCHIVER_SIGNING_TIMEOUT = 60           # s; one request to a signing server or timestamp authority
ARCHIVER_SIGNATURE_WINDOW = 600         # s; wacz-auth: `created` within 10 minutes before the signed time
