"""Everyday questions with nothing to do with the glossary, as a yardstick for "not found".

A question that reads as much like these as like any glossary entry is off-topic, however many words it shares
with the glossary ("AI", "business", "how do I"): its relevance is lowered by its likeness to them
(chains.retrieval.relevance). They are written here, apart from the off-topic test questions in tests/data.

EVERYDAY_SENSE names a thing outside AI that owns a glossary word ("web hosting"): with no word of AI, models, vendors or data beside them, the question is about those things.
"""

import re

EVERYDAY_SENSE = re.compile(
    r"\b(?:web(?:site)?|domain|e-?mail|wordpress|shopify|wix|squarespace) ?host(?:ing|s)?\b|\bweb ?hosts?\b"
    # tuning a machine or an instrument, a logo's vector artwork, a photo model's release
    r"|\b(?:fine[- ]?)?tun(?:e|es|ed|ing)(?: up)? (?:the |my |our |a |an )?(?:old )?(?:\w+ )?"
    r"(?:carb\w*|engines?|mowers?|piano|guitars?|violin|bikes?|car|van|boiler|motor)\b"
    r"|\bvector (?:file|logo|image|graphic|artwork|format|version)s?\b|\b(?:eps|svg) (?:file|logo)s?\b"
    r"|\bmodel release\b|\b(?:fashion|photo|catwalk|hand|life) models?\b"
    # the taxman's records and assessments
    r"|\bself[- ]?assessment\b|\btax returns?\b|\bhmrc\b|\birs\b"
)
_AI_WORDS = re.compile(
    r"\b(?:ai|a\.i\.|models?|llms?|chat ?bots?|bots?|gpt|chat ?gpt|vendors?|train\w*|fine[- ]?tun\w*|rag|data|prompts?|"
    r"machine learning|algorithms?|artificial|assistant|copilot|gemini|claude|openai)\b"
)
_LIKENED = re.compile(
    r"\b(?:like|as with|similar|same as|compared|versus|vs|more than|less than|cheaper|dearer)\b"
)  # "is it like my phone contract?"


def everyday_sense(question: str) -> bool:
    """True when the question names an everyday owner of a glossary word and nothing of AI, and does not liken
    something to it (an owner explains a vendor's terms by what they know: "is it like my phone contract?")."""
    t = question.lower()
    rest = EVERYDAY_SENSE.sub(" ", t)  # "fine-tune the carburettor" names no AI once the everyday phrase is set aside
    return rest != t and not _AI_WORDS.search(rest) and not _LIKENED.search(t)


QUESTIONS = (
    "How do I fix a dripping tap?",
    "What should I cook for dinner tonight?",
    "Where is the nearest post office?",
    "How do I renew my passport?",
    "What is the best phone to buy this year?",
    "How do I lose weight quickly?",
    "Which football team has won the most titles?",
    "How do I clean an oven?",
    "What time is sunset today?",
    "How do I write a cover letter?",
    "How do I open a business bank account?",
    "How do I set up a website for my business?",
    "What is the best laptop for a student?",
    "How do I speed up my slow computer?",
    "How do I grow tomatoes in pots?",
    "What is a good film to watch tonight?",
    "How do I book a driving test?",
    "How much should I charge for my services?",
    "What hourly rate should I charge my customers for a lesson or a visit?",
    "How do I set my prices against my competitors?",
    "Are there grants or funding for a small business like mine?",
    "How do I get a mortgage as a self-employed person?",
    "What are the opening hours of the bank?",
    "How do I learn to play the guitar?",
    "What is the population of London?",
    "How do I make a doctor's appointment online?",
    "What are the symptoms of flu?",
    "How do I get cheaper car insurance?",
    "Which credit card has the best cashback?",
    "How do I apply for a library card?",
    "What is the best way to learn Spanish?",
    "How do I stop my cat scratching the sofa?",
    "What paint colour suits a small bedroom?",
    "How do I change a light bulb safely?",
    "How do I unblock a kitchen sink?",
    "Which supermarket has the cheapest groceries?",
    "How do I return a parcel to an online shop?",
    "What is the best budget for a wedding?",
    "How do I write a will?",
    "What should go in a staff handbook?",
    "How do I choose a good accountant?",
    "Who painted the Mona Lisa?",
    "How far is the Moon from the Earth?",
    "What shoes are best for running a marathon?",
    "How do I apply for a visa to visit Canada?",
    "Which AI assistant is the most fun to chat with?",
    "Can a chatbot recommend a good restaurant?",
    # Everyday questions about AI in the news and in society, which share the glossary's words but not its subject.
    "Will robots and AI replace office workers?",
    "What is the latest news about artificial intelligence?",
    "Which programming language should a beginner learn?",
    "Who were the pioneers of computing?",
    "Is it cheating if students use AI for their essays?",
    "Can AI make pictures for my social media posts?",
    "Which tech company makes the smartest chatbot?",
    "Is artificial intelligence dangerous for humanity?",
    "Which big tech firm launched a new AI model this month?",
    "How do I back up the files on my office computer?",
    "How do I make a formula total up a column in a spreadsheet?",
    "Should I learn to code so I can build my own apps?",
    # Everyday senses of the glossary's own words: tuning an instrument or a machine, a heating controller's settings,
    # hosting a website, a database for the shop, leaving a contract, a stocktake, a loyalty scheme.
    "How do I tune my guitar or adjust the brakes on my bike?",
    "How do I change the settings on my central heating controller?",
    "Which web hosting company is best for a small business website?",
    "What software should I use to keep track of my stock?",
    "Can I get out of my phone or energy contract early?",
    "How do I do a stocktake at the end of the financial year?",
    "How do I set up a loyalty card scheme for regular customers?",
    # Everyday running of a business that borrows the glossary's words for other things: records for the tax
    # return, duty on imports, cameras in the shop, choosing between job candidates, a customer asking for what is
    # held on them, artwork files for a printer, photo releases, servicing a machine.
    "Which receipts and records do I have to keep for my tax return, and for how long?",
    "How much customs duty and import VAT will I pay on goods shipped from abroad?",
    "Do I need to put up a notice about the security cameras in my shop?",
    "How do I choose fairly between two job candidates after the interviews?",
    "A customer wants a copy of everything we hold about them: how long do I have to send it?",
    "What file format does the printer need for our logo artwork?",
    "Do the people in my product photos need to sign a release form?",
    "How do I service the engine on our lawnmower or van?",
    "How long must a sole trader keep invoices and bank statements for the taxman?",
    "Are there rules about where I can point a camera on my premises?",
)
