"""Interactive login on a headless server: the archivist logs in from their own browser, through a page on 127.0.0.1.

``archiver profile login NAME --outlet OUTLET --interactive`` opens the outlet's
login page in a headless Chromium and serves a small page on 127.0.0.1 (reach it
over an SSH tunnel: ``ssh -L PORT:127.0.0.1:PORT server``). That page shows the
tab as a DevTools screencast (``Page.startScreencast`` over a CDP session) and
sends the archivist's clicks and keys back, where Playwright's mouse and keyboard
dispatch them into the tab. Captchas, two-factor codes and odd forms are the
archivist's to solve, by hand, as on any login. Every time the tab shows a new
page, the outlet's ``logged_in`` check runs; once it passes, the storage state is
saved as the profile and the command ends.

The page's address carries a random token: other users of the machine can reach
127.0.0.1 too, and without the token they get a 404. Keys typed (the password
among them) go from the archivist's browser to this process to Chromium, and
nowhere else: nothing here logs a request body.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, async_playwright

from archiver import settings as defaults
from archiver.outlets import OutletProfile
from archiver.profiles.login import BrowserSetup
from archiver.profiles.recipe import Session

logger = logging.getLogger(__name__)

KEYS = {"Enter", "Tab", "Backspace", "Delete", "Escape", "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown",
        "Home", "End"}                          # keys sent by name; any other single character is typed as text
TELL_TIMEOUT = 5.0                              # s the page has to pick up "logged in" before the server stops


@dataclass
class Screen:
    """What the web page and the browser share: the latest frame, the inputs waiting, the outcome."""
    loop: asyncio.AbstractEventLoop
    frame: bytes = b""
    frames: int = 0
    status: str = "waiting for you to log in"
    logged_in: bool = False
    inputs: asyncio.Queue = field(default_factory=asyncio.Queue)
    lock: threading.Lock = field(default_factory=threading.Lock)
    told: threading.Event = field(default_factory=threading.Event)   # the page has been told it is done

    def put(self, event: dict) -> None:
        """From the HTTP thread: an input for the browser's loop."""
        self.loop.call_soon_threadsafe(self.inputs.put_nowait, event)


PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Log in: {outlet}</title>
<style>body{{font:15px system-ui;margin:1em}}#screen{{border:1px solid #888;cursor:pointer;max-width:100%}}
#status{{margin:.5em 0;font-weight:bold}}</style></head><body>
<p>Logging in to <b>{outlet}</b> in the archiver's browser. Click in the page below and type as usual;
the profile is saved as soon as the page shows you logged in.</p>
<p id="status" role="status">connecting</p>
<img id="screen" tabindex="0" width="{width}" height="{height}" alt="the archiver's browser">
<script>
const screen = document.getElementById("screen"), status = document.getElementById("status");
const keys = new Set({keys});
// one input at a time, in order: concurrent POSTs may reach the (threaded) server out of order,
// and a key typed before its click lands in the wrong field
let sending = Promise.resolve();
function send(event) {{
  sending = sending.then(() => fetch("input", {{method: "POST", headers: {{"Content-Type": "application/json"}},
                                                body: JSON.stringify(event)}})).catch(() => {{}});
  return sending;
}}
screen.addEventListener("click", (e) => {{
  const r = screen.getBoundingClientRect();
  send({{type: "click", x: (e.clientX - r.left) * {width} / r.width, y: (e.clientY - r.top) * {height} / r.height}});
  screen.focus();
}});
screen.addEventListener("keydown", (e) => {{
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (keys.has(e.key)) send({{type: "key", key: e.key}});
  else if (e.key.length === 1) send({{type: "text", text: e.key}});
  else return;
  e.preventDefault();
}});
let shown = -1;
async function refresh() {{
  try {{
    const state = await (await fetch("state")).json();
    status.textContent = state.status;
    status.dataset.loggedIn = state.logged_in;
    if (state.frames !== shown) {{
      shown = state.frames;
      const blob = await (await fetch("frame.jpg?n=" + shown)).blob();
      const old = screen.src; screen.src = URL.createObjectURL(blob); if (old) URL.revokeObjectURL(old);
    }}
    if (state.done) return;
  }} catch (err) {{ status.textContent = "the archiver stopped"; return; }}
  setTimeout(refresh, 150);
}}
refresh(); screen.focus();
</script></body></html>"""


def _handler(screen: Screen, token: str, page_html: bytes):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - never logs what is typed
            return

        def _path(self) -> str | None:
            prefix = f"/{token}/"
            return self.path.split("?", 1)[0][len(prefix):] if self.path.startswith(prefix) else None

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self._path()
            if path == "":
                self._send(200, page_html, "text/html; charset=utf-8")
            elif path == "state":
                with screen.lock:
                    state = {"status": screen.status, "logged_in": screen.logged_in, "frames": screen.frames,
                             "done": screen.logged_in}
                self._send(200, json.dumps(state).encode(), "application/json")
                if state["done"]:
                    screen.told.set()
            elif path == "frame.jpg":
                with screen.lock:
                    frame = screen.frame
                self._send(200, frame, "image/jpeg")
            else:
                self._send(404, b"not found", "text/plain")

        def do_POST(self) -> None:
            if self._path() != "input":
                self._send(404, b"not found", "text/plain")
                return
            length = min(int(self.headers.get("Content-Length") or 0), 4096)
            try:
                event = json.loads(self.rfile.read(length))
            except ValueError:
                self._send(400, b"bad input", "text/plain")
                return
            if isinstance(event, dict) and event.get("type") in ("click", "key", "text"):
                screen.put(event)
            self._send(204, b"", "text/plain")
    return Handler


async def _dispatch(page: Page, event: dict) -> None:
    """One input from the archivist's browser, into the tab (Playwright's mouse and keyboard)."""
    kind = event["type"]
    if kind == "click":
        await page.mouse.click(float(event["x"]), float(event["y"]))
    elif kind == "key" and event.get("key") in KEYS:
        await page.keyboard.press(event["key"])
    elif kind == "text" and isinstance(event.get("text"), str) and len(event["text"]) == 1:
        await page.keyboard.insert_text(event["text"])


async def _session_of(page: Page, outlet: OutletProfile) -> Session:
    try:
        return outlet.login.session(await page.content())
    except PlaywrightError:                 # navigating right now: ask again after the next input or frame
        return Session.UNKNOWN


async def _run(outlet: OutletProfile, setup: BrowserSetup, port: int, timeout: float,
               announce) -> dict | None:
    screen = Screen(asyncio.get_running_loop())
    token = secrets.token_urlsafe(16)
    viewport = setup.viewport
    page_html = PAGE.format(outlet=outlet.title or outlet.name, width=viewport["width"], height=viewport["height"],
                            keys=json.dumps(sorted(KEYS))).encode()
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(screen, token, page_html))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="interactive-login", daemon=True).start()
    playwright = await async_playwright().start()
    try:
        browser = await playwright.chromium.launch(**setup.launch)
        context = await browser.new_context(**setup.context_options())
        page = await context.new_page()
        cdp = await context.new_cdp_session(page)
        changed = asyncio.Event()

        def on_frame(params: dict) -> None:
            with screen.lock:
                screen.frame = base64.b64decode(params["data"])
                screen.frames += 1
            changed.set()
            asyncio.ensure_future(cdp.send("Page.screencastFrameAck", {"sessionId": params["sessionId"]}))

        cdp.on("Page.screencastFrame", on_frame)
        await page.goto(outlet.absolute(outlet.login.url), wait_until="load")
        await cdp.send("Page.startScreencast", {"format": "jpeg", "quality": 80, "maxWidth": viewport["width"],
                                                "maxHeight": viewport["height"], "everyNthFrame": 1})
        host, bound = server.server_address[:2]
        announce(f"http://{host}:{bound}/{token}/", bound)
        async with asyncio.timeout(timeout):
            while True:
                getter = asyncio.ensure_future(screen.inputs.get())
                waiter = asyncio.ensure_future(changed.wait())
                done, pending = await asyncio.wait({getter, waiter}, return_when=asyncio.FIRST_COMPLETED)
                for task in pending:
                    task.cancel()
                changed.clear()
                if getter in done:
                    try:
                        await _dispatch(page, getter.result())
                    except PlaywrightError as exc:
                        logger.debug("an input the page did not take: %r", exc)
                if await _session_of(page, outlet) is Session.LOGGED_IN:
                    state = await context.storage_state()
                    with screen.lock:
                        screen.logged_in, screen.status = True, "logged in: the profile is saved, you can close this page"
                    # let the page's next poll show it, before the server goes away
                    await asyncio.get_running_loop().run_in_executor(None, screen.told.wait, TELL_TIMEOUT)
                    return state
    except TimeoutError:
        return None
    finally:
        await playwright.stop()
        server.shutdown()
        server.server_close()


def interactive_login(outlet: OutletProfile, setup: BrowserSetup, port: int = 0,
                      timeout: float = defaults.ARCHIVER_INTERACTIVE_LOGIN_TIMEOUT) -> dict | None:
    """Serve the login page until the archivist has logged in; the storage state, or None on timeout."""
    def announce(url: str, bound: int) -> None:
        print(f"Open {url} in your browser and log in to {outlet.name}.", flush=True)
        print(f"From another machine: ssh -L {bound}:127.0.0.1:{bound} THIS-SERVER, then open that address there.",
              flush=True)
    return asyncio.run(_run(outlet, setup, port, timeout, announce))
