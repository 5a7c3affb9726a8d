"""GET through QGIS' own network stack (QgsBlockingNetworkRequest), so the user's proxy, SSL and
authentication settings apply; Dutch errors that name the URL, the status and what to do."""

import threading
import time

from qgis.core import QgsBlockingNetworkRequest, QgsFeedback
from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtNetwork import QNetworkReply, QNetworkRequest

from ..compat import set_transfer_timeout
from .fetch import CancelledError

USER_AGENT = b"QGIS-plugin-veerkracht"
RETRY_STATUSES = (429, 503)  # "too many requests" / "unavailable": wait as the server says (Retry-After)
MAX_WAIT = 30  # seconds we wait on a Retry-After; a longer wait is said, not slept
MAX_ATTEMPTS = 4


class FetchError(Exception):
    """A failed request, said in Dutch; ``status`` is the HTTP status or None (no answer)."""

    def __init__(self, message, url, status=None):
        super().__init__(message)
        self.url, self.status = url, status


def get(url, feedback=None, timeout=60, authcfg="", where=""):
    """The body of ``url`` (bytes). One retry on a 5xx answer; on 429/503 with Retry-After up to MAX_WAIT s
    waited and tried again; ``timeout`` is the total time for one request, however slowly its body trickles in
    (or however long it is redirected). FetchError otherwise. ``where`` names the line of bronnen.json to fix."""
    retried_5xx = False
    for attempt in range(1, MAX_ATTEMPTS + 1):
        status, body, problem, retry_after = _get_once(url, feedback, timeout, authcfg)
        if problem is None and status is not None and status < 400:
            return body
        if status in RETRY_STATUSES and retry_after is not None and attempt < MAX_ATTEMPTS:
            if retry_after > MAX_WAIT:
                raise FetchError(
                    f"De dienst {url} is druk (HTTP {status}) en vraagt {retry_after:g} s te wachten. Probeer het "
                    f"later opnieuw.",
                    url,
                    status,
                )
            if feedback is not None:
                feedback.pushWarning(
                    f"HTTP {status} van {url}: de dienst vraagt {retry_after:g} s te wachten; daarna nog een poging."
                )
            _sleep(retry_after, feedback)
            continue
        if status is not None and status >= 500 and not retried_5xx:
            retried_5xx = True
            if feedback is not None:
                feedback.pushWarning(f"HTTP {status} van {url}; nog één poging.")
            _sleep(0.5, feedback)
            continue
        raise FetchError(_message(url, status, body, problem, timeout, where), url, status)
    raise FetchError(_message(url, status, body, problem, timeout, where), url, status)


def _sleep(seconds, feedback):
    """Wait, but stop at once on a cancel."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if feedback is not None and feedback.isCanceled():
            raise CancelledError()
        time.sleep(min(0.1, max(end - time.monotonic(), 0)))


def _get_once(url, feedback, timeout, authcfg):
    """(status, body, problem, retry_after seconds or None). A watchdog cancels the request when the total time
    is up: Qt's transfer timeout only counts silence, so a trickling body would never end."""
    request = QNetworkRequest(QUrl(url))
    request.setRawHeader(b"User-Agent", USER_AGENT)
    set_transfer_timeout(request, timeout)
    blocking = QgsBlockingNetworkRequest()
    if authcfg:
        blocking.setAuthCfg(authcfg)
    own = QgsFeedback()  # cancelled by the user's feedback or by the watchdog
    if feedback is not None:
        feedback.canceled.connect(own.cancel)
        if feedback.isCanceled():
            raise CancelledError()
    lock, running = threading.Lock(), [True]

    def expire():  # never after the request ended: `own` may be gone by then
        with lock:
            if running[0]:
                own.cancel()

    watchdog = threading.Timer(timeout, expire)
    watchdog.daemon = True
    started = time.monotonic()
    watchdog.start()
    try:
        code = blocking.get(request, True, own)
    finally:
        with lock:
            running[0] = False
        watchdog.cancel()
        if feedback is not None:
            feedback.canceled.disconnect(own.cancel)
    if feedback is not None and feedback.isCanceled():
        raise CancelledError()
    if own.isCanceled():
        return None, b"", "timeout", None
    reply = blocking.reply()
    status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
    status = int(status) if status not in (None, "") and str(status) != "NULL" else None
    body = bytes(reply.content())
    retry_after = _retry_after(bytes(reply.rawHeader(b"Retry-After")))
    failed = reply.error() != QNetworkReply.NetworkError.NoError
    if code == QgsBlockingNetworkRequest.ErrorCode.NoError and not failed:
        return status or 200, body, None, None
    timed_out = code == QgsBlockingNetworkRequest.ErrorCode.TimeoutError or (
        reply.error() == QNetworkReply.NetworkError.OperationCanceledError
        and time.monotonic() - started >= timeout * 0.9
    )
    if timed_out:
        return None, b"", "timeout", None
    return status, body, None if status else (blocking.errorMessage() or reply.errorString()), retry_after


def _retry_after(value):
    """Seconds of a Retry-After header (a number; an HTTP date counts as 'later', MAX_WAIT + 1)."""
    text = value.decode("latin-1").strip()
    if not text:
        return None
    try:
        return max(float(text), 0.0)
    except ValueError:
        return MAX_WAIT + 1.0


def _message(url, status, body, problem, timeout, where):
    fix = f" Is de dienst verhuisd, pas dan {where} aan." if where else ""
    if problem == "timeout":
        return (
            f"Geen antwoord van {url} binnen {timeout:g} s. De dienst is traag, onbereikbaar of stuurt steeds door: "
            f"probeer het later opnieuw, of verhoog de time-out.{fix}"
        )
    if status is None:
        return (
            f"Geen verbinding met {url}: {problem}. Controleer de internetverbinding en de proxy-instellingen van QGIS "
            f"(Instellingen > Opties > Netwerk).{fix}"
        )
    detail = _detail(body)
    if status >= 500:
        return f"De dienst {url} gaf twee keer een fout (HTTP {status}){detail}. Probeer het later opnieuw."
    return (
        f"De dienst {url} antwoordde met HTTP {status}{detail}. De URL of laagnaam klopt niet (meer).{fix} "
        f"'Bronnen controleren' laat zien welke bronnen werken."
    )


def _detail(body):
    """A short excerpt of the service's own error (JSON problem or XML ExceptionReport)."""
    text = body[:2000].decode("utf-8", "replace")
    for start, end in (("<ows:ExceptionText>", "</ows:ExceptionText>"), ('"description":', "}")):
        if start in text:
            excerpt = text.split(start, 1)[1].split(end, 1)[0].strip(' "\n')
            return f": {excerpt[:200]}"
    return ""
