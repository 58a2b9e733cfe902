"""The fair baseline: a bare Chainlit app with Pitchcheck's history and sign-in, and nothing else.

Started as the real app is (`chainlit run bench/anchor_app.py --headless --port N`, from the project root so it reads
the same .chainlit/config.toml), it has the same SQLAlchemy data layer (web/persistence.py, so the same SQLite
settings or the same DATABASE_URL), the same tables and the same header-auth guest login as app.py, and answers every
message with one echo. What the real app costs beyond this is the price of the interview itself, not of history.

With PITCHCHECK_ANCHOR_STEADY_CLOCK=1 it also takes the app's own change to Chainlit (web.hosting.steady_timestamps:
no 1 ms pause on the event loop per message and step), so the real app can be compared like for like as well.
"""

import os

import chainlit as cl

from chains.settings import get_settings
from web import auth, hosting, persistence

if os.environ.get("PITCHCHECK_ANCHOR_STEADY_CLOCK") == "1":
    hosting.steady_timestamps()

settings = get_settings()
auth.ensure_auth_secret(settings, {})
HISTORY_URL = settings.sqlalchemy_url
persistence.ensure_schema(HISTORY_URL)


@cl.data_layer
def data_layer():
    return persistence.make_data_layer(HISTORY_URL, settings.data_dir / "elements")


@cl.header_auth_callback
async def guest_login(headers):
    return auth.guest_user()


@cl.on_message
async def echo(message: cl.Message):
    await cl.Message(content="Echo: " + (message.content or "")).send()
