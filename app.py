"""embedviz: see how a language model turns a sentence into vectors.

Run with ``streamlit run app.py``. This file only starts the server; the page every visitor gets is
``embedviz/ui/page.py``. Before the server answers its first request it runs that page once, in a
session of no one (``startup.warm_up``): the first student then finds torch, scikit-learn and the default
tables ready instead of waiting ~2 s for them (docs/performance.md). The page's files (Streamlit's
frontend, plotly.js) are sent from memory, compressed once (``static_files.StaticFileCache``). A live
class's students learn of the teacher's changes through one extra route (``room_server.routes``).
"""

import streamlit as st
from starlette.middleware import Middleware

from embedviz.ui import room_server
from embedviz.ui.startup import quiet_idle_threads, warm_up
from embedviz.ui.static_files import StaticFileCache

quiet_idle_threads()  # before the page imports torch (embedviz/ui/startup.py)
app = st.App(
    "embedviz/ui/page.py",
    lifespan=warm_up,
    middleware=[Middleware(StaticFileCache)],
    routes=room_server.routes(),
)
