"""A Streamlit client over `/_stcore/stream`, speaking what the browser's frontend speaks: protobuf BackMsg out,
ForwardMsg in. bench/load.py drives its sessions with it and tests/test_two_processes.py writes through one app
process and reads through another (AppTest cannot span processes).

A session signs in the way a browser that signed in before does: its websocket handshake carries the sign-in cookie
(`tdkt_phien`), which the app reads server-side from `st.context.cookies` on every run. That depends only on the
cookie's name and on the app's own tokens, not on the sign-in form's layout; the form can be driven too (`values`
and `click` name widgets by their labels, as a person reads them; their ids come from the run that showed them).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pyarrow as pa
import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tdkt.core.auth import COOKIE_NAME

STREAM = "_stcore/stream"
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
TEXT_WIDGETS = ("text_input", "text_area")


class StreamError(RuntimeError):
    """The server closed the connection, said a page does not exist, or a run did not finish in time."""


@dataclass
class Run:
    """What one script run showed: its elements by delta path, the navigation, how long it took to finish."""

    seconds: float
    elements: dict[tuple[int, ...], object] = field(default_factory=dict)
    pages: list = field(default_factory=list)  # AppPage protos of the navigation, in the sidebar's order
    page_hash: str = ""  # the page the run showed
    compile_error: bool = False

    def of(self, kind: str) -> list:
        """Return the elements of one kind ("heading", "alert", "button", …) in the order the page shows them."""
        return [getattr(e, kind) for _, e in sorted(self.elements.items()) if e.WhichOneof("type") == kind]

    def headings(self) -> list[str]:
        return [h.body for h in self.of("heading")]

    def alerts(self, kind: int = Alert.ERROR) -> list[str]:
        return [a.body for a in self.of("alert") if a.format == kind]

    def exceptions(self) -> list[str]:
        return [f"{x.type}: {x.message}" for x in self.of("exception")]

    def page_title(self) -> str:
        return next((p.page_name for p in self.pages if p.page_script_hash == self.page_hash), "")

    def widget(self, label: str, kinds: tuple[str, ...], form: str | None = None):
        """Return the one widget of those kinds labelled `label` (in `form`, when given and several are); refuse none
        or several (what the caller names would be ambiguous to a person too)."""
        found = [w for kind in kinds for w in self.of(kind) if w.label == label]
        if len(found) > 1 and form is not None:
            found = [w for w in found if w.form_id == form]
        if len(found) != 1:
            raise LookupError(f"{len(found)} widgets labelled {label!r} among {kinds} on “{self.page_title()}”")
        return found[0]

    def tables(self) -> list[pa.Table]:
        """Return the data of every st.dataframe/st.table shown (Arrow IPC in the element)."""
        found = []
        for frame in [*self.of("dataframe"), *self.of("table")]:
            data = frame.arrow_data.data if frame.HasField("arrow_data") else b""
            if data:
                found.append(pa.ipc.open_stream(data).read_all())
        return found

    def problems(self) -> list[str]:
        """What went wrong in the run as a person would see it: an exception, an error box, a compile error."""
        return ([f"lỗi biên dịch trên “{self.page_title()}”"] if self.compile_error else []) + [
            *self.exceptions(), *self.alerts(Alert.ERROR)]


class StreamSession:
    """One browser tab's session on a running app: open, run pages, close."""

    def __init__(self, base_url: str, *, token: str | None = None, timeout: float = 60.0) -> None:
        parts = urlsplit(base_url)
        self.base_url = base_url.rstrip("/")
        self.ws_url = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}{parts.path.rstrip('/')}/{STREAM}"
        self.token = token
        self.timeout = timeout
        self.last: Run | None = None
        self._socket = None

    async def __aenter__(self) -> StreamSession:
        headers = {"Origin": self.base_url}
        if self.token:
            headers["Cookie"] = f"{COOKIE_NAME}={self.token}"
        self._socket = await asyncio.wait_for(websockets.connect(
            self.ws_url, subprotocols=["streamlit"], additional_headers=headers, max_size=None,
            open_timeout=self.timeout, ping_interval=None), self.timeout)
        return self

    async def __aexit__(self, *_exc) -> None:
        await self._socket.close()

    def _page(self, client, page: str | None) -> None:
        """Ask for `page` by its script hash, from the pages the last run listed. A first run goes to the default
        page: asked for by its URL path or hash, Streamlit runs that file of pages/ itself, without app.py (whose
        st.navigation it has not seen in this session), and lists every file of pages/ in the sidebar."""
        if page is None:
            client.page_script_hash = self.last.page_hash if self.last else ""
            return
        pages = self.last.pages if self.last else []
        found = [p.page_script_hash for p in pages if page in (p.page_name, p.url_pathname)]
        if not found:
            raise StreamError(f"không có trang “{page}” trong thanh bên: {[p.page_name for p in pages]}")
        client.page_script_hash = found[0]

    def _states(self, message: BackMsg, values: dict[str, str], click: str | None) -> None:
        form = None
        for label, value in values.items():
            widget = self.last.widget(label, TEXT_WIDGETS)
            form = form or widget.form_id or None
            state = message.rerun_script.widget_states.widgets.add()
            state.id, state.string_value = widget.id, value
        if click is not None:  # a form's submit button: the one of the form whose fields were just filled
            state = message.rerun_script.widget_states.widgets.add()
            state.id, state.trigger_value = self.last.widget(click, ("button",), form).id, True

    async def run(self, page: str | None = None, *, values: dict[str, str] | None = None,
                  click: str | None = None) -> Run:
        """Rerun the app as the frontend does: on `page` (its title or URL path in the sidebar; None: the page shown,
        or the default one at first), with text widgets set by label and a button (or a form's submit button) clicked.
        Return the run once the script has finished, reruns it asked for (st.rerun) included."""
        message = BackMsg()
        client = message.rerun_script
        client.query_string = ""
        self._page(client, page)
        client.context_info.timezone = "Asia/Ho_Chi_Minh"
        client.context_info.locale = "vi-VN"
        client.context_info.url = f"{self.base_url}/"
        self._states(message, values or {}, click)
        started = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        run = await asyncio.wait_for(self._receive(started), self.timeout)
        self.last = run
        return run

    async def _receive(self, started: float) -> Run:
        run = Run(seconds=0.0)
        while True:
            try:
                raw = await self._socket.recv()
            except websockets.ConnectionClosed as error:
                raise StreamError(f"máy chủ đóng kết nối ({error})") from None
            incoming = ForwardMsg()
            incoming.ParseFromString(raw)
            kind = incoming.WhichOneof("type")
            if kind == "new_session":  # a run starts (a rerun the script asked for starts afresh)
                run = Run(seconds=0.0)
            elif kind == "navigation":
                run.pages = list(incoming.navigation.app_pages)
                run.page_hash = incoming.navigation.page_script_hash
            elif kind == "page_not_found":
                raise StreamError(f"không có trang “{incoming.page_not_found.page_name}”")
            elif kind == "delta" and incoming.delta.WhichOneof("type") == "new_element":
                run.elements[tuple(incoming.metadata.delta_path)] = incoming.delta.new_element
            elif kind == "script_finished":
                status = incoming.script_finished
                if status in DONE or status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    run.compile_error = status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR
                    run.seconds = time.perf_counter() - started
                    return run
