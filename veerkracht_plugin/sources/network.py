"""GET through QGIS' own network stack (QgsBlockingNetworkRequest), so the user's proxy, SSL and
authentication settings apply; Dutch errors that name the URL, the status and what to do."""

import time

from qgis.core import QgsBlockingNetworkRequest
from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtNetwork import QNetworkReply, QNetworkRequest

from ..compat import set_transfer_timeout
from .fetch import CancelledError

USER_AGENT = b"QGIS-plugin-veerkracht"


class FetchError(Exception):
    """A failed request, said in Dutch; ``status`` is the HTTP status or None (no answer)."""

    def __init__(self, message, url, status=None):
        super().__init__(message)
        self.url, self.status = url, status


def get(url, feedback=None, timeout=60, authcfg="", where=""):
    """The body of ``url`` (bytes). One retry on a 5xx answer; FetchError otherwise. ``where`` names the line of
    bronnen.json to fix when the service moved."""
    for attempt in (1, 2):
        status, body, problem = _get_once(url, feedback, timeout, authcfg)
        if problem is None and status is not None and status < 400:
            return body
        if status is not None and status >= 500 and attempt == 1:
            if feedback is not None:
                feedback.pushWarning(f"HTTP {status} van {url}; nog één poging.")
            time.sleep(0.5)
            continue
        raise FetchError(_message(url, status, body, problem, timeout, where), url, status)


def _get_once(url, feedback, timeout, authcfg):
    request = QNetworkRequest(QUrl(url))
    request.setRawHeader(b"User-Agent", USER_AGENT)
    set_transfer_timeout(request, timeout)
    blocking = QgsBlockingNetworkRequest()
    if authcfg:
        blocking.setAuthCfg(authcfg)
    started = time.monotonic()
    code = blocking.get(request, True, feedback)
    if feedback is not None and feedback.isCanceled():
        raise CancelledError()
    reply = blocking.reply()
    status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
    status = int(status) if status not in (None, "") and str(status) != "NULL" else None
    body = bytes(reply.content())
    failed = reply.error() != QNetworkReply.NetworkError.NoError
    if code == QgsBlockingNetworkRequest.ErrorCode.NoError and not failed:
        return status or 200, body, None
    timed_out = code == QgsBlockingNetworkRequest.ErrorCode.TimeoutError or (
        reply.error() == QNetworkReply.NetworkError.OperationCanceledError
        and time.monotonic() - started >= timeout * 0.9
    )
    if timed_out:
        return None, b"", "timeout"
    return status, body, None if status else (blocking.errorMessage() or reply.errorString())


def _message(url, status, body, problem, timeout, where):
    fix = f" Is de dienst verhuisd, pas dan {where} aan." if where else ""
    if problem == "timeout":
        return (
            f"Geen antwoord van {url} binnen {timeout:g} s. De dienst is traag of onbereikbaar: probeer het later "
            f"opnieuw, of verhoog de time-out.{fix}"
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
