"""Headless Chromium (Debian's package) driven over the DevTools protocol on a pipe: no web socket, no extra
package. Used by the web map tests, its benchmark and the README picture.

Records what a page must not do: console errors, uncaught exceptions, failed loads, dialogs (an ``alert``
from an injected script) and requests to anything but file: and data: URLs.
"""

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--remote-debugging-pipe",
]


def chromium_path():
    """The Chromium binary, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserError(RuntimeError):
    pass


class Browser:
    """One headless Chromium with one page; use as a context manager."""

    def __init__(self, width=1280, height=800, binary=None):
        binary = binary or chromium_path()
        if binary is None:
            raise BrowserError("Chromium ontbreekt: installeer Debian's pakket 'chromium'.")
        self.profile = tempfile.mkdtemp(prefix="veerkracht-chromium-")
        to_browser_read, to_browser = _high_pipe()
        from_browser, from_browser_write = _high_pipe()

        def child_fds():
            os.dup2(to_browser_read, 3)
            os.dup2(from_browser_write, 4)

        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=child_fds,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._out = os.fdopen(to_browser, "wb", buffering=0)
        self._messages = queue.Queue()
        self._reader = threading.Thread(target=self._read, args=(from_browser,), daemon=True)
        self._reader.start()
        self._next_id = 0
        self.session = None
        self.events = []
        self.console_errors, self.dialogs, self.requests = [], [], []
        target = self.call("Target.createTarget", url="about:blank", session=False)["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True, session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.call("Browser.close", session=False, timeout=5)
        except (BrowserError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._out.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read(self, fd):
        buffer = b""
        with os.fdopen(fd, "rb", buffering=0) as handle:
            while True:
                chunk = handle.read(1 << 16)
                if not chunk:
                    self._messages.put(None)
                    return
                buffer += chunk
                *complete, buffer = buffer.split(b"\0")
                for message in complete:
                    self._messages.put(json.loads(message))

    def call(self, method, session=True, timeout=30, **params):
        """Send one command and return its result; events that arrive meanwhile are recorded."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session and self.session:
            message["sessionId"] = self.session
        self._out.write(json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline, method)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def _receive(self, deadline, waiting_for):
        try:
            message = self._messages.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise BrowserError(f"Chromium antwoordt niet op {waiting_for}") from None
        if message is None:
            raise BrowserError(f"Chromium stopte tijdens {waiting_for}")
        if "method" in message:
            self._record(message)
        return message

    def _record(self, event):
        self.events.append(event)
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.console_errors.append(" ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.console_errors.append(details.get("exception", {}).get("description") or details.get("text"))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            self.console_errors.append(params["entry"]["text"] + " " + params["entry"].get("url", ""))
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append(params.get("message"))
            self._out.write(
                json.dumps(
                    {
                        "id": 0,
                        "method": "Page.handleJavaScriptDialog",
                        "params": {"accept": True},
                        "sessionId": self.session,
                    }
                ).encode()
                + b"\0"
            )
        elif method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])

    def pump(self, seconds):
        """Record the events of the next ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                self._receive(deadline, "gebeurtenissen")
            except BrowserError as error:
                if "antwoordt niet" in str(error):
                    return
                raise

    def open(self, url, ready="document.readyState === 'complete'", timeout=30):
        """Navigate and wait until the JavaScript expression ``ready`` is true; seconds it took."""
        start = time.monotonic()
        self.call("Page.navigate", url=url)
        self.wait_for(ready, timeout)
        return time.monotonic() - start

    def evaluate(self, expression, timeout=30):
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True, timeout=timeout
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def wait_for(self, expression, timeout=30):
        deadline = time.monotonic() + timeout
        while not self.evaluate(f"!!({expression})"):
            if time.monotonic() > deadline:
                raise BrowserError(f"Niet binnen {timeout} s: {expression}")
            self.pump(0.05)

    def click(self, x, y):
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def screenshot(self, path=None):
        """PNG bytes of the viewport, also written to ``path`` when given."""
        png = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        if path is not None:
            with open(path, "wb") as handle:
                handle.write(png)
        return png


def _high_pipe():
    """A pipe whose ends are above the numbers 3 and 4 the child receives them on."""
    ends = []
    for fd in os.pipe():
        ends.append(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10))
        os.close(fd)
    return ends
