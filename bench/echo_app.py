"""The bare baseline: a Chainlit app with one on_message handler that echoes, nothing else.

Started exactly as the real app is (`chainlit run bench/echo_app.py --headless --port N`, from the project root so it
reads the same .chainlit/config.toml), it gives the floor the real app's start-up and turn latency are compared
against: whatever Chainlit, uvicorn and socket.io cost on this machine under the same load.
"""

import chainlit as cl


@cl.on_message
async def echo(message: cl.Message):
    await cl.Message(content="Echo: " + (message.content or "")).send()
