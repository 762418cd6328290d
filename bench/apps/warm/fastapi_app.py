# The FastAPI warm-restart fixture, run by uvicorn: GET / answers with the version in src/version.py.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'src'))
from fastapi import FastAPI  # noqa: E402
from fastapi.responses import PlainTextResponse  # noqa: E402
from version import version  # noqa: E402

app = FastAPI()


@app.get('/', response_class=PlainTextResponse)
def root():
    return version
