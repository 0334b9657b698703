"""A Streamlit client at the protocol level: the browser's websocket and protobuf messages, no browser.

Used by ``benchmarks/load_client.py`` (so that the server, not a room of Chromium renderers, is
measured) and by tests that check what a fragment rerun sends back (the share link).

It speaks as Streamlit's own frontend does (``static/js/index.*.js``, ``sendRerunBackMsg``):

* connect to ``/_stcore/stream`` with the ``streamlit`` subprotocol;
* a page view is a ``BackMsg.rerun_script`` with the URL's query string and the page's URL path as
  ``page_name`` (later runs name the page by its script hash, as the browser does);
* a widget change is a ``rerun_script`` carrying every known widget's value, the changed one new;
  a widget drawn inside ``st.fragment`` is rerun with that fragment's id, as the browser does;
* a run ends with ``script_finished`` (a run ended early by ``st.rerun`` is followed by the new run).

Use (inside a coroutine)::

    async with StreamlitClient(url) as client:
        view = await client.open("explorer", "model=minilm-static&word=king")
        run = await client.set_widget("Word", "queen")   # by label; a fragment's rerun
        run.seconds, client.query_string                 # the share link now says word=queen
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection
from websockets.typing import Subprotocol

# Element types whose proto is a widget, and the WidgetState field each one's value travels in.
WIDGET_VALUE_FIELDS = {
    "text_input": "string_value",
    "text_area": "string_value",
    "radio": "string_value",
    "selectbox": "string_value",
    "number_input": "double_value",
    "checkbox": "bool_value",
    "toggle": "bool_value",
    "button": "trigger_value",
    "multiselect": "string_array_value",
    "slider": "double_array_value",
    "color_picker": "string_value",
    "select_slider": "string_array_value",  # a "slider" element with options
}
FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
}


@dataclass
class Widget:
    id: str
    kind: str  # the element type, e.g. "text_input"
    label: str
    value: object
    fragment_id: str = ""
    int_data: bool = False  # a number_input of whole numbers (sent as int_value, as the browser does)
    script_hash: str = ""  # the script that drew it: app.py's widgets (the sidebar) outlive a page change


@dataclass
class Run:
    """One script run as the client saw it: wall time until ``script_finished``, and what came back."""

    seconds: float
    status: int
    messages: int
    size: int  # bytes received
    payload: bytes = field(repr=False, default=b"")
    exceptions: list[str] = field(default_factory=list)
    drawn: float = 0.0  # seconds until the last element arrived (what a browser can draw; the run may go on)

    def shows(self, text: str) -> bool:
        """Whether ``text`` came back in this run (markdown, a table's Arrow bytes or a chart's spec)."""
        return text.encode("utf-8") in self.payload

    @property
    def ok(self) -> bool:
        return self.status in FINISHED and self.status != ForwardMsg.FINISHED_WITH_COMPILE_ERROR and not self.exceptions


class StreamlitClient:
    """One browser session, spoken at the protocol level. Use as ``async with StreamlitClient(url)``."""

    def __init__(self, url: str, *, timeout: float = 120):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.widgets: dict[str, Widget] = {}
        self.page_script_hash = ""
        self.query_string = ""
        self.session_id = ""
        self.main_script_hash = ""
        self._previous: dict[str, Widget] = {}
        self._socket: ClientConnection | None = None

    def _connected(self) -> ClientConnection:
        if self._socket is None:
            raise RuntimeError("use the client inside `async with StreamlitClient(url)`")
        return self._socket

    async def __aenter__(self) -> StreamlitClient:
        from websockets.asyncio.client import connect

        parts = urlsplit(self.url)
        self._socket = await connect(
            f"ws://{parts.netloc}/_stcore/stream",
            subprotocols=[Subprotocol("streamlit")],
            max_size=None,
            open_timeout=self.timeout,
            ping_interval=None,
            compression=None,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        if self._socket is not None:
            await self._socket.close()

    # ------------------------------------------------------------ requests

    async def open(self, page: str, query: str = "") -> Run:
        """Open ``/<page>?<query>`` as a link followed in a fresh tab of this session would."""
        self._previous = {**self._previous, **self.widgets}  # what the browser still remembers of them
        # As the browser does on a page change: the page's own widgets go, app.py's (the sidebar) keep their state.
        self.widgets = {k: w for k, w in self.widgets.items() if w.script_hash != self.page_script_hash}
        self.query_string = query
        return await self._rerun(page_name=page, page_script_hash="")

    async def set_widget(self, widget: Widget | str, value: object) -> Run:
        """Change a widget (by object or label) and wait for the rerun it causes (a fragment's own when inside one)."""
        widget = widget if isinstance(widget, Widget) else self.widget_by_label(widget)
        widget.value = value
        return await self._rerun(page_script_hash=self.page_script_hash, fragment_id=widget.fragment_id)

    def widget_by_label(self, label: str) -> Widget:
        for widget in self.widgets.values():
            if widget.label == label:
                return widget
        raise KeyError(f"no widget labelled {label!r}; have {[w.label for w in self.widgets.values()]}")

    # ------------------------------------------------------------ protocol

    def _widget_states(self) -> list[WidgetState]:
        states = []
        for widget in self.widgets.values():
            if widget.kind == "button":
                continue  # a trigger is only sent when pressed
            state = WidgetState(id=widget.id)
            field_name = WIDGET_VALUE_FIELDS[widget.kind]
            if widget.kind == "number_input" and widget.int_data:
                state.int_value = int(widget.value)  # type: ignore[call-overload]  # a number_input's value: int or float
            elif field_name.endswith("_array_value"):
                getattr(state, field_name).data.extend(widget.value)
            else:
                setattr(state, field_name, widget.value)
            states.append(state)
        return states

    async def _rerun(self, *, page_name: str = "", page_script_hash: str = "", fragment_id: str = "") -> Run:
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = self.query_string
        rerun.page_name = page_name
        rerun.page_script_hash = page_script_hash
        rerun.fragment_id = fragment_id
        rerun.widget_states.widgets.extend(self._widget_states())
        rerun.context_info.timezone = "UTC"
        rerun.context_info.locale = "en-US"
        started = time.perf_counter()
        await self._connected().send(message.SerializeToString())
        return await self._until_finished(started)

    async def _until_finished(self, started: float) -> Run:
        count = size = 0
        drawn = 0.0
        payload: list[bytes] = []
        exceptions: list[str] = []
        while True:
            data = await asyncio.wait_for(self._connected().recv(), timeout=self.timeout)
            if isinstance(data, str):  # Streamlit sends protobuf frames only; a text frame would be a protocol error
                raise RuntimeError(f"unexpected text frame from the server: {data[:80]!r}")
            count += 1
            size += len(data)
            payload.append(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.session_id = msg.new_session.initialize.session_id or self.session_id
                self.page_script_hash = msg.new_session.page_script_hash or self.page_script_hash
                self.main_script_hash = msg.new_session.main_script_hash or self.main_script_hash
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "navigation":
                self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash
            elif kind == "delta":
                self._read_delta(msg.delta, exceptions, msg.metadata.active_script_hash)
                drawn = time.perf_counter() - started
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # st.rerun(): the next run follows on the same socket
                return Run(time.perf_counter() - started, msg.script_finished, count, size, b"".join(payload), exceptions, drawn)

    def _read_delta(self, delta, exceptions: list[str], script_hash: str = "") -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            exceptions.append(f"{element.exception.type}: {element.exception.message}")
            return
        if kind not in WIDGET_VALUE_FIELDS:
            return
        proto = getattr(element, kind)
        if kind == "slider" and len(proto.options):
            kind = "select_slider"
        known = self.widgets.get(proto.id) or self._previous.get(proto.id)
        if getattr(proto, "set_value", False):
            value = _initial_value(kind, proto, set_value=True)
        else:
            value = known.value if known is not None else _initial_value(kind, proto)
        self.widgets[proto.id] = Widget(
            proto.id,
            kind,
            proto.label,
            value,
            delta.fragment_id,
            int_data=kind == "number_input" and proto.data_type == proto.INT,
            script_hash=script_hash,
        )


def _initial_value(kind: str, proto, *, set_value: bool = False) -> object:
    """The value the browser shows for a freshly drawn widget (its ``value`` when the server set one)."""
    if kind in ("text_input", "text_area", "color_picker"):
        return proto.value if (set_value or proto.HasField("value")) else proto.default
    if kind in ("radio", "selectbox"):
        if set_value or proto.HasField("raw_value"):
            return proto.raw_value
        return proto.options[proto.default] if proto.HasField("default") and len(proto.options) else ""
    if kind == "number_input":
        return proto.value if (set_value or proto.HasField("value")) else proto.default
    if kind in ("checkbox", "toggle"):
        return proto.value if set_value else proto.default
    if kind == "multiselect":
        return list(proto.raw_values) if set_value else [proto.options[i] for i in proto.default]
    if kind == "slider":
        return list(proto.value) if set_value else list(proto.default)
    if kind == "select_slider":
        return [proto.options[int(i)] for i in (proto.value if set_value else proto.default)]
    return None
