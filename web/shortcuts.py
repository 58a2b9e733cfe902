"""The names the web app's handlers are registered under and the shortcuts on an empty chat: constants alone, so
that app.py can register its handlers without importing the interview (web.chat and web.render bring in its rules
and readers, about 0.1 s that the first page would otherwise wait for)."""

from __future__ import annotations

# Chainlit names a chat in the history after the owner's first interaction; when that is a button, after the
# action's name. So the shortcut buttons' names are the titles a chat started from them should carry.
ANSWER_ACTION = "answer"
ANSWER_BUTTON = "answer-"  # the id prefix of the buttons that answer the question on screen
ANSWER_MARK = ANSWER_BUTTON + "mark-"  # hidden, on a question without buttons (public/pitchcheck.css); no callback
AUDIT_ACTION = "Audit of training examples"
EXAMPLE_ACTION = "The £18,000 example"
EXPLAIN_ACTION = "LoRA in plain English"
PITCH_ACTION = "Check a vendor's pitch"
CONFIRM_EXAMPLE_ACTION = "example_confirm"
SEE_ALSO_ACTION = "see_also"
CARRY_ON_ACTION = "Carry on with my last check"  # Chainlit names a chat after the action that starts it

# The four shortcuts: starters on an empty chat, and buttons on the welcome message.
SHORTCUTS: tuple[tuple[str, str, str, str], ...] = (
    # (action name, label, message a starter sends, lucide icon)
    (PITCH_ACTION, "Check a vendor's pitch", "I'd like to check a vendor's pitch.", "clipboard-check"),
    (EXAMPLE_ACTION, "Try the £18,000 example", "Show me the £18,000 example.", "play"),
    (EXPLAIN_ACTION, "Explain LoRA in plain English", "What is LoRA, in plain English?", "book-open"),
    (AUDIT_ACTION, "Audit my training examples", "I'd like to audit my training examples.", "file-search"),
)
STARTER_MESSAGES = {message: name for name, _, message, _ in SHORTCUTS}
EXPLAIN_LORA_QUESTION = SHORTCUTS[2][2]
STATE_KEY = "pitchcheck"  # the Session's to_dict() in the user session and in the thread's metadata
SORRY = "Sorry, something went wrong on my side. Your answers so far are safe; please try again, or say it another way."
