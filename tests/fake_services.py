"""A local stand-in for the open data services of issue 16, so the tests never touch the internet.

Serves on 127.0.0.1 (a free port, a daemon thread) under the real host and path:
  {base}/api.pdok.nl/cbs/wijken-en-buurten-{2022..2024}/ogc/v1/...   OGC API Features (fake_services_ogcapi.py)
  {base}/service.pdok.nl/cbs/wijkenbuurten/{2018..2021}/wfs/v1_0     WFS 2.0 (fake_services_wfs.py)
  {base}/geo.leefbaarometer.nl/lbm3/ows                              WFS 2.0, lbm3:buurtscore20/22/24
What they serve is in fake_services_data.py. The tests steer it: fail (also 429/503 with Retry-After), delay,
malformed, page_size_cap, and misbehave: html_200 (an HTML error page with status 200), trickle (a body that
comes in a few bytes at a time), redirect_loop (A -> B -> A ...), and the protocol quirks of
fake_services_ogcapi.py and fake_services_wfs.py (self_next, rd_coordinates, null_geometry, ignore_start).
HTTP/1.0 (one connection per request), so a stopped server refuses the next request at once.
"""

import json
import re
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from fake_services_ogcapi import Response, ogcapi, problem
from fake_services_wfs import exception_report, lbm_wfs, pdok_wfs, wfs

BRONNEN = Path(__file__).resolve().parent.parent / "resources" / "bronnen.json"
OGCAPI_PATH = re.compile(r"/api\.pdok\.nl/cbs/wijken-en-buurten-(\d{4})/ogc/v1(/.*)?$")
PDOK_WFS_PATH = re.compile(r"/service\.pdok\.nl/cbs/wijkenbuurten/(\d{4})/wfs/v1_0/?$")
LBM_WFS_PATH = "/geo.leefbaarometer.nl/lbm3/ows"


class FakeServices:
    """Start on construction; use as a context manager or call stop()."""

    def __init__(self):
        self.requests = []  # (method, path with query as received), in arrival order
        self.sent = {}  # path with query -> bytes of the last answer's body (for the benchmarks)
        self.page_size_cap = None  # caps limit/count when set, to force many pages
        self._misbehaviour = {}  # kind -> path part it applies to ('' = every request)
        self._lock = threading.Lock()
        self._failures, self._malformed, self._delays = [], [], {}  # rules: [path part, status, times, retry_after]
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-services", daemon=True)
        self._thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        """Stop serving; a request that sleeps in delay() is answered at once."""
        if not self._stopping.is_set():
            self._stopping.set()
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()

    def fail(self, path_part, status=500, times=1, retry_after=None):
        """The next `times` requests whose path (with query, raw or decoded) contains path_part get `status`
        (with a Retry-After header when given)."""
        with self._lock:
            self._failures.append([path_part, status, times, retry_after])

    def misbehave(self, kind, path_part=""):
        """Bend the answers to requests containing path_part (see the module docstring for the kinds)."""
        with self._lock:
            self._misbehaviour[kind] = path_part

    @property
    def misbehaving(self):
        with self._lock:
            return set(self._misbehaviour)

    def malformed(self, path_part, times=1):
        """The next `times` matching requests get 200 with the first half of the right body."""
        with self._lock:
            self._malformed.append([path_part, None, times, None])

    def delay(self, path_part, seconds):
        """Matching requests wait this long before the answer (0 ends the delay)."""
        with self._lock:
            self._delays[path_part] = seconds

    def write_bronnen(self, path, changes=None):
        """resources/bronnen.json with every https://HOST/PATH as {base}/HOST/PATH, then `changes` deep-merged."""
        document = _rewritten(json.loads(BRONNEN.read_text(encoding="utf-8")), self.base)
        _deep_update(document, changes or {})
        Path(path).write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
        return path

    def _take(self, rules, target):
        """The first rule matching target (counted down), or None."""
        with self._lock:
            for rule in rules:
                if _matches(rule[0], target):
                    rule[2] -= 1
                    if rule[2] <= 0:
                        rules.remove(rule)
                    return rule
        return None

    def _bent(self, kind, target):
        with self._lock:
            return kind in self._misbehaviour and _matches(self._misbehaviour[kind], target)

    def _answer(self, target):
        with self._lock:
            self.requests.append(("GET", target))
            seconds = max((s for part, s in self._delays.items() if _matches(part, target)), default=0)
        if seconds:
            self._stopping.wait(seconds)
        split = urlsplit(target)
        path = unquote(split.path)
        failure = self._take(self._failures, target)
        if self._bent("redirect_loop", target):
            other = target[: -len("&hop=1")] if target.endswith("&hop=1") else target + "&hop=1"
            return Response(302, "text/plain", b"", {"Location": self.base + other})
        if self._bent("html_200", target):
            html = b"<!DOCTYPE html><html><body><h1>Onderhoud</h1><p>De dienst is tijdelijk niet beschikbaar.</p></body></html>"
            return Response(200, "text/html; charset=utf-8", html)
        if failure is not None:
            response = _error(path, failure[1])
            if failure[3] is not None:
                response.headers["Retry-After"] = str(failure[3])
        else:
            response = self._route(path, split.query)
        if self._take(self._malformed, target):
            response = Response(200, response.content_type, response.body[: len(response.body) // 2], response.headers)
        if self._bent("trickle", target):
            response.trickle = True
        return response

    def _route(self, path, query):
        ogc = OGCAPI_PATH.match(path)
        if ogc:
            segments = [s for s in (ogc.group(2) or "").split("/") if s]
            return ogcapi(self, int(ogc.group(1)), segments, dict(parse_qsl(query, keep_blank_values=True)))
        pdok = PDOK_WFS_PATH.match(path)
        if pdok and 2018 <= int(pdok.group(1)) <= 2021:
            return wfs(self, pdok_wfs(int(pdok.group(1))), query)
        if path == LBM_WFS_PATH:
            return wfs(self, lbm_wfs(), query)
        return Response(404, "text/plain; charset=utf-8", b"404 page not found\n")


def _error(path, status):
    """The body the real service sends with an error status: a JSON problem (OGC API) or an ExceptionReport (WFS)."""
    if OGCAPI_PATH.match(path):
        return problem(status, "Er ging iets mis op de server")
    if PDOK_WFS_PATH.match(path) or path == LBM_WFS_PATH:
        return exception_report("NoApplicableCode", "", "Internal server error", status)
    return Response(status, "text/plain; charset=utf-8", b"error\n")


def _matches(part, target):
    return part in target or part in unquote(target)


def _rewritten(value, base):
    if isinstance(value, dict):
        return {key: _rewritten(item, base) for key, item in value.items()}
    if isinstance(value, list):
        return [_rewritten(item, base) for item in value]
    if isinstance(value, str):
        return re.sub(r"^https?://", base + "/", value)
    return value


def _deep_update(target, changes):
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _deep_update(target[key], value)
        else:
            target[key] = value


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        try:
            response = self.server.fake._answer(self.path)
        except Exception:  # a bug in the fake: say so instead of dropping the connection
            response = Response(500, "text/plain; charset=utf-8", traceback.format_exc().encode("utf-8"))
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if getattr(response, "trickle", False):  # 20 bytes every 0.2 s, until the client gives up
                stopping = self.server.fake._stopping
                for start in range(0, len(response.body), 20):
                    if stopping.wait(0.2):
                        return
                    self.wfile.write(response.body[start : start + 20])
                    self.wfile.flush()
                return
            self.wfile.write(response.body)
            self.server.fake.sent[self.path] = len(response.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        pass
