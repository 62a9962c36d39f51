"""Rasa's NLG endpoint serves the content store in the conversation language."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from channels.web import create_app
from directory.content import seed_content
from directory.models import ContentItem


def ask(client: TestClient, response: str, language: str | None) -> dict:
    slots = {"language": language} if language else {}
    return client.post("/nlg", json={"response": response, "tracker": {"slots": slots}}).json()


def test_nlg_answers_in_the_slot_language_and_falls_back_to_english(
    app_settings: object, session: Session
) -> None:
    seed_content(session)
    with TestClient(create_app()) as client:
        english = ask(client, "utter_greet", None)
        polish = ask(client, "utter_greet", "pl")
        assert "999" in english["text"] and english["buttons"]
        assert polish["text"] != english["text"]
        assert [b["payload"] for b in polish["buttons"]] == [
            b["payload"] for b in english["buttons"]
        ]
        session.query(ContentItem).filter_by(key="utter_greet", language="pl").delete()
        session.commit()
        assert ask(client, "utter_greet", "pl")["text"] == english["text"]
        assert ask(client, "utter_no_such_response", "en")["text"] is None


def test_a_staff_edit_goes_live_without_retraining(app_settings: object, session: Session) -> None:
    seed_content(session)
    item = session.query(ContentItem).filter_by(key="utter_greet", language="en").one()
    item.text, item.source = "Hello from the hub team! Call 999 in an emergency.", "staff"
    session.commit()
    seed_content(session)  # reseeding keeps the staff edit
    with TestClient(create_app()) as client:
        assert ask(client, "utter_greet", "en")["text"].startswith("Hello from the hub team!")
