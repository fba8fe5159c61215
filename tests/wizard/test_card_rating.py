"""The service card shows the citizens' average rating."""

from __future__ import annotations

from typing import Any

from khidma.storage.models import Rating


def test_card_shows_the_average_of_ratings(app: Any) -> None:
    client = app.test_client()
    assert "لا توجد تقييمات بعد" in client.get("/services/emirate_visit").data.decode()
    with app.extensions["khidma.db"].session(write=True) as s:
        s.add_all(
            [
                Rating(service_id="emirate_visit", stars=5),
                Rating(service_id="emirate_visit", stars=4),
            ]
        )
    html = client.get("/services/emirate_visit?lang=en").data.decode()
    assert "4.5 out of 5 (2 ratings)" in html
    assert "No ratings yet" in client.get("/services/traffic?lang=en").data.decode()
