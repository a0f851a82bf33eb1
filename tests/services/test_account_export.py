"""The user's own data export holds their ratings and comments, and only theirs."""

from __future__ import annotations

from finucity.services import account_data, feedback
from tests.support.admin_data import Turn, add_conversation, days_ago


async def test_the_export_holds_the_users_own_ratings_and_comments(database, people):
    asha, asha_actor = await people.user()
    ravi, ravi_actor = await people.user()
    mine = await add_conversation(asha.id, at=days_ago(1), turns=[Turn(), Turn()])
    theirs = await add_conversation(ravi.id, at=days_ago(1), turns=[Turn()])
    await feedback.set_feedback(asha_actor, mine.answer_ids[0], "up")
    await feedback.set_feedback(asha_actor, mine.answer_ids[1], "down", comment="It forgot the 80D limit <b>")
    await feedback.set_feedback(ravi_actor, theirs.answer_ids[0], "down", comment="Ravi's own comment")

    data = await account_data.export_account(asha_actor)

    found = {(f["message_id"], f["conversation_id"], f["rating"], f["comment"]) for f in data["feedback"]}
    assert found == {
        (str(mine.answer_ids[0]), str(mine.id), "up", None),
        (str(mine.answer_ids[1]), str(mine.id), "down", "It forgot the 80D limit <b>"),
    }
    assert all(f["created_at"] and f["updated_at"] for f in data["feedback"])
    # What they asked and spent, from the usage ledger.
    assert sum(u["questions"] for u in data["usage"]) == 2 and sum(u["answers"] for u in data["usage"]) == 2
