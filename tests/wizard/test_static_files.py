"""Static files answered without a body (304 Not Modified, HEAD) leave no file open."""

from __future__ import annotations

import gc
import warnings
from typing import Any


def test_bodiless_static_responses_close_their_file(app: Any) -> None:
    client = app.test_client()
    first = client.get("/static/fonts/IBMPlexSans-Regular.woff")
    etag = first.headers["ETag"]
    first.close()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        again = client.get(
            "/static/fonts/IBMPlexSans-Regular.woff", headers={"If-None-Match": etag}
        )
        head = client.head("/static/fonts/IBMPlexSans-Regular.woff")
        assert again.status_code == 304
        assert head.status_code == 200 and int(head.headers["Content-Length"]) > 0
        del again, head
        gc.collect()
