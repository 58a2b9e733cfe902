"""The facts the interview gathers. Each field is defined here once: its question, choices, the phrasings that mean
each choice (and what a negated phrasing means), its short name, echo, example answer, correction cues and help.

Readers (chains/readers.py and the modules it uses) are generic code over this table: adding a phrasing is one
line here; adding a field touches this table and the verdict rules, nothing else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from .phrasings import CHANGING, NO_NUMBER, NOT_THAT_I_KNOW, STEADY, VENDOR_NO, VENDOR_NOT_ASKED, VENDOR_WEAK_YES, VENDOR_YES

Kind = Literal["text", "choice", "count", "money", "volume"]
Polarity = Literal["yes", "no", "unsure"]


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    echo: str = ""  # completes "Got it: ..."
    cues: tuple[str, ...] = ()  # regular expressions (on lower-cased text) that mean this choice
    negated: str | None = None  # the choice a negated cue means ("not stable" -> no); None: a negated cue says nothing
    says: tuple[str, ...] = ()  # owners' phrasings of this choice, for reading by nearest neighbour
    weak: tuple[str, ...] = ()  # cues that count only when no other choice's cue is found ("they said ...")


@dataclass(frozen=True)
class Field:
    """One fact: how it is asked, what answers it takes, and what it means."""

    name: str
    kind: Kind
    question: str
    hint: str
    choices: tuple[Choice, ...] = ()
    concept: str | None = None  # glossary id to explain the question
    short: str = ""  # what the fact is called in an echo: "clean examples", "the task"
    example: str = ""  # a one-line example answer, shown when an answer was not read twice
    names: str = ""  # regular expression naming this field in a correction ("the quote", "examples")
    polar: dict[Polarity, str | None] = field(default_factory=dict)  # what a plain yes / no / not sure means here
    narrows: tuple[tuple[str, tuple[str, ...]], ...] = ()  # phrasings that leave two readings open, to be asked back

    def choice_values(self) -> list[str]:
        return [c.value for c in self.choices]

    def choice(self, value: Any) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)

    def label_of(self, value: Any) -> str:
        c = self.choice(value)
        return c.label if c else str(value)

    def echo_of(self, value: Any) -> str:
        c = self.choice(value)
        return (c.echo or c.label.lower()) if c else str(value)


def _yes_no_unsure(yes: Choice, no: Choice, unsure: Choice) -> tuple[Choice, ...]:
    return (yes, no, unsure)


def _vendor_answer(yes_echo: str, no_echo: str, no_cues: tuple[str, ...] = ()) -> tuple[Choice, ...]:
    return (
        Choice(
            "yes",
            "Yes, they answered clearly",
            yes_echo,
            VENDOR_YES,
            says=("yes they gave a clear answer", "they told us exactly", "they explained it properly"),
            weak=VENDOR_WEAK_YES,
        ),
        Choice(
            "no",
            "No, they could not say",
            no_echo,
            VENDOR_NO + no_cues,
            says=("they couldn't say", "they dodged the question", "no straight answer", "they were vague about it"),
        ),
        Choice(
            "not_asked",
            "I haven't asked",
            "you haven't asked them yet",
            VENDOR_NOT_ASKED,
            says=("I haven't asked", "never came up", "didn't think to ask", "we haven't got that far"),
        ),
    )


# A plain "no" or "dunno" could mean "they could not say" or "I haven't asked", so it is asked back.
_VENDOR_POLAR: dict[Polarity, str | None] = {"yes": "yes", "no": None, "unsure": None}
_YES_NO: dict[Polarity, str | None] = {"yes": "yes", "no": "no", "unsure": "unsure"}

# The table is laid out by hand: one choice, its cues and its phrasings to a block.
# fmt: off
FIELDS: tuple[Field, ...] = (
    Field(
        "pitch", "text",
        "Paste what the vendor said or sent you, or describe the offer in your own words.",
        "A sentence or two is enough, for example: \"They'll fine-tune the model on our reports for £18,000.\"",
        short="the vendor's pitch", example="They'll fine-tune the model on our reports for £18,000.",
    ),
    Field(
        "mechanism", "choice",
        "What will the vendor actually do to the model?",
        "Fine-tuning changes the model itself; RAG gives it your documents when it answers; prompting only writes better instructions.",
        (
            Choice("fine_tuning", "Fine-tune (retrain) the model", "fine-tuning the model", (
                r"\bfin[de][\s-]?tun", r"\bretrain", r"\btrain\w* (?:\w+ ){0,3}(?:on|with) (?:\w+ ){0,3}(?:our|your|their) (?:own )?(?:\w+ )?(?:data|emails|documents|docs|files|reports|examples|records|history|quotes|contracts|orders|invoices|letters|tickets|cases|notes|jobs|tenders|bids|responses|messages|chats|conversations|proposals|sales|products|listings|reviews|posts|articles|content|archive|paperwork|forms|descriptions|stuff)\b", r"\bre-train", r"\blora\b", r"\bqlora\b", r"\blow[\s-]rank", r"\bpeft\b", r"\badapters?\b",
                r"\btrain\w* (?:\w+ ){0,4}on (?:\w+ ){0,2}label+ed\b", r"\btrain\w* (?:a|the|our|your|its) own (?:model|version)\b",
                r"\b(?:adjust|update|chang|tweak)\w* (?:the |its )?(?:model'?s )?(?:weights|parameters)\b", r"\bcustom(?:-trained)? model\b",
                r"\btrain(?:ing)? (?:the|a|its|our) (?:own )?(?:ai|model)\b", r"\b(?:they'?(?:d|ll)|will|would) train (?:it|them)\b", r"\b(?:they'?re|they are|they'?ve been|he'?s|she'?s) (?:re)?training (?:it|them|the (?:model|ai))\b", r"\bmodel (?:itself|trained)\b(?! (?:stays|is left|remains|isn'?t|is not|won'?t|will not|doesn'?t|does not|unchanged))", r"\bbaked in(?:to)?\b",
                r"\bbuilt into the model\b", r"\blearn(?:s|ing)? (?:it )?(?:from|with|on) (?:our|your)\b", r"\b(?:make|have|let) (?:the model|the ai|it) learn\b",
                r"\bteach\w* (?:it|the model|the ai) (?:on|with|from|using) (?:our|your)\b"),
                says=("they will retrain the model on our data", "train their own version on our examples", "tune the model itself")),
            Choice("rag", "RAG: look things up in our documents", "RAG, the model looking things up in your documents", (
                r"\brag\b", r"\bretriev", r"\bsearch(?:es|ing)? (?:through )?(?:our|your|the|its)? ?(?:own )?(?:documents|docs|files|knowledge|records|data)\b",
                r"\bknowledge ?base\b", r"\b(?:documents|docs|files|manuals|catalogue|catalog|handbook)\b[^.;]{0,30}\bsearch\w*\b", r"\blooks? (?:things |stuff |it )?up\b", r"\blooking (?:things |stuff )?up\b", r"\bat query time\b",
                r"\bvector (?:database|store|db|search)\b", r"\bembeddings?\b", r"\bsemantic search\b",
                r"\breads? (?:our|your|the) (?:\w+ )?(?:documents|docs|files|website|site|pages|list|lists|catalogue|spreadsheets?|database|manuals?|policies)\b",
                r"\bconnect\w* (?:it )?(?:up )?to (?:our|your) (?:documents|docs|files|sharepoint|drive|wiki|intranet|knowledge|website)\b",
                r"\bindex\w* (?:our|your|the) (?:documents|docs|files|website|site)\b", r"\bgrounded in\b", r"\bcrawl", r"\bscrap(?:e|es|ing)\b",
                r"\buploa\w* (?:all )?(?:our |your |the )?(?:documents|docs|files|pdfs)\b", r"\b(?:docs|documents|files)\b[^.]{0,50}\breads? (?:them|it)\b", r"\bpoint (?:it|the bot) at\b", r"\bfeed (?:it|the bot) (?:our|your) (?:docs|documents|website)\b",
                r"\bplug\w* (?:in )?(?:our|your|the) (?:docs|documents|files|data|knowledge)\b", r"\bplugg?\w* (?:our|your) \w+ in\b",
                r"\bsearch(?:es|ing)? (?:our|your|the) \w+\b", r"\breads? (?:our|your|the) (?:[\w-]+ ){0,3}?(?:documents|docs|files|policies|manuals|handbook)\b", r"\blook-?ups?\b",
                r"\b(?:docs|documents|files|policies|manuals) to (?:read|search|look)", r"\bwhen it answers\b",
                r"\bhook\w* (?:it )?(?:up )?(?:in)?to (?:our|your) (?:\w+ )?(?:documents|docs|files|sharepoint|drive|wiki|intranet|knowledge|website|crm|database)\b"),
                says=("it searches our documents when it answers", "they connect it to our files", "it reads our website to answer")),
            Choice("prompting", "Write better prompts", "writing better prompts", (
                r"\bprompt(?:s|ing|ed)?\b", r"\bsystem instructions\b", r"\bbetter instructions\b", r"\bprompt engineer",
                r"\bwrit\w* (?:\w+ ){0,2}instructions\b", r"\btemplates? (?:for|of) (?:the )?(?:questions|prompts)\b"),
                says=("they just write better instructions for it", "it's basically clever prompts", "a set of prompt templates")),
            Choice("mixed", "A mix of these", "a mix of approaches", (
                r"\bmix(?:ture|ed)?\b", r"\bboth\b", r"\bcombination\b", r"\bcombin", r"\bhybrid\b", r"\ball (?:of )?(?:them|three|the above)\b",
                r"\ba bit of everything\b", r"\bbit of both\b", r"\bcombo\b", r"\bas well as\b"),
                says=("a bit of both", "some of each", "a combination of things")),
            Choice("unclear", "They didn't say clearly", "they didn't say clearly what they will do", (
                r"\bdidn'?t (?:really )?(?:say|explain|specify|mention)\b", r"\b(?:don'?t think|not sure) (?:they|he|she) (?:ever )?(?:said|say|explained|mentioned)\b", r"\bnot clear\b", r"\bunclear\b", r"\bvague\b", r"\bno idea\b",
                r"\b(?:never|(?:no one|nobody)) (?:really |ever |properly |clearly )?(?:said|explained|specified)\b", r"\bwouldn'?t say\b", r"\b(?:didn'?t|did not|never|don'?t|doesn'?t) (?:really )?make (?:it|that|this) clear\b", r"\bsecret sauce\b", r"\bproprietary\b", r"\bbuzzwords\b",
                r"\bcustomi[sz]", r"\bpersonali[sz]", r"\btailor", r"\bteach (?:it|the model)\b(?! (?:on|with|from|using))", r"\bmagic\b",
                r"\bbespoke (?:ai|solution)\b", r"\bjust says\b", r"\bnothing else\b", r"\bsaid ['\"]?ai['\"]? a lot\b", r"\bbuzz ?words?\b"),
                says=("they didn't really say", "it was all buzzwords", "they were vague about what they'd do")),
        ),
        concept="model-customisation", short="what the vendor will do",
        example="\"fine-tune the model\", \"look things up in our documents\" or \"they didn't say\"",
        names=r"\b(?:mechanism|method|approach|what they(?:'ll| will|'d| would) do)\b",
        polar={"yes": None, "no": None, "unsure": "unclear"},
    ),
    Field(
        "quote", "money",
        "How much have they quoted? A one-off price in £, $ or €.",
        "A figure such as £18,000, $25k or \"eighteen thousand\". Say \"don't know\" to skip.",
        concept="training-cost", short="the quote", example="\"£18,000\", \"$25k\" or \"about twelve grand in pounds\"",
        names=r"\b(?:quoted?|quoting|price|cost|costs|fee|charg\w*|paying|budget)\b",
    ),
    Field(
        "task", "choice",
        "What job should the model do?",
        "Pick the closest, or describe it: \"sorting tickets\", \"writing client reports\"...",
        (
            Choice("classification", "Sort or label things into set categories", "sorting or labelling things into set categories", (
                r"\bsort(?:s|ing|ed)?\b(?! of)", r"\bcategor", r"\bclassif", r"\btag(?:s|ging|ged)?\b", r"(?<!allergen )(?<!price )(?<!shipping )(?<!address )(?<!product )(?<!food )\blabel(?:s|ling|ing)?\b",
                r"\brout(?:e|es|ed|ing)\b", r"\btriag", r"\bprioriti", r"\bspam\b", r"\bsentiment\b", r"\bassign\w* (?:to|tickets)\b",
                r"\bflag(?:s|ging)? (?:up )?(?:urgent|which|the)\b", r"\bwhich (?:team|department|bucket|pile)\b", r"\bbucket",
                r"\bdecides? (?:if|whether|which)\b", r"\bpositive,? (?:or )?negative\b", r"\bmark\w* (?:each|them|it) as\b"),
                says=("sorting incoming emails into the right pile", "decide which team a ticket goes to", "tag each invoice by type")),
            Choice("extraction", "Pull fields out into a structure (e.g. JSON)", "pulling fields out into a structure", (
                r"\bextract", r"\bpull\w* (?:\w+ ){0,3}(?:out|from|into)\b", r"\bjson\b", r"\bstructured data\b", r"\bdata entry\b", r"\bparse",
                r"\bparsing\b", r"\bfields\b", r"\bcapture (?:the )?(?:data|details)\b", r"\bkey (?:details|data|fields|dates|facts|figures|terms|info\w*)\b", r"\bspreadsheet\b",
                r"\bread(?:ing)? (?:the )?(?:invoices|receipts|forms|pdfs)\b", r"\btyp(?:e|ing) (?:up|in)\b", r"\bpick\w* out\b",
                r"\b(?:tak|get|copy|copi)\w* (?:\w+ ){1,3}?(?:off|out of|from) (?:\w+ ){0,4}?(?:and )?(?:put|putting|enter\w*|typ\w*|key\w*|add\w*) (?:them|it|those|these) (?:in|into|on|onto|to)\b",
                r"\b(?:names|dates|totals|amounts|addresses|details|prices|figures) (?:and (?:the )?\w+ )?(?:from|off|out of)\b"),
                says=("grab the totals and dates off invoices", "copy details from forms into our system", "read receipts into a spreadsheet")),
            Choice("fixed_format", "Produce documents in a fixed format (quotes, standard letters)", "documents in a fixed format", (
                r"\b(?:(?:writ|draft|fill|produc|generat)\w* (?:\w+ ){0,2}?)?standard (?:\w+ ){0,2}(?:format|layout|headings|structure|letters?|templates?|documents?|quotes?|responses?|replies|emails?)\b", r"\bsame (?:letter|email|reply|document|quote)\b", r"\bfixed (?:format|layout|template)\b",
                r"\bsame (?:format|layout|structure|headings|sections|fields|form|forms|checklist)\b", r"\btemplates?\b", r"\bboilerplate\b", r"\bform letters?\b",
                r"\bquotes? in (?:our|your|their|a|the) (?:\w+ )?(?:format|layout|template|style)\b", r"\b(?:generat|produc|writ|draft|do|doing)\w* (?:(?:the|our|up|out) ){0,2}quotes\b",
                r"\bquote generation\b", r"\bsame (?:\w+ ){0,2}(?:wording|words|text|message|reply|letter|email)\b", r"\b(?:bar|except|apart from) the (?:names?|dates?|details|address(?:es)?)\b", r"\bcertificates?\b", r"\bconfirmation (?:letters|emails)\b", r"\bschedules?\b", r"\b(?:required|set|legal|prescribed|standard) (?:layout|format)\b"),
                says=("fill in our standard quote document", "the same letter every time with different details", "templated paperwork")),
            Choice("open_writing", "Write reports, advice or bespoke documents in our tone", "writing reports or advice in your tone", (
                r"\breports?\b", r"\badvice\b", r"\badvis", r"\btone\b", r"\bour voice\b", r"\bhouse style\b", r"\bbespoke\b(?! (?:ai|solution|model|system|software|platform|tool|chat ?bot|bot|build|project|llm))", r"\bproposals?\b",
                r"\bblog", r"\bmarketing\b", r"\bcopy(?:writing)?\b", r"\bletters\b", r"\bwrit", r"\bdraft", r"\bcontent\b", r"\bnewsletter",
                r"\bsocial (?:media )?posts?\b", r"\barticles?\b", r"\bsummar"),
                says=("write our client reports for us", "draft advice letters the way we write them", "blog posts in our style")),
            Choice("knowledge_qa", "Answer questions from our knowledge or methodology", "answering questions from your own knowledge", (
                r"\banswer\w* (?:\w+ ){0,3}(?:questions|queries|enquiries|customers)\b", r"\bfaqs?\b", r"\bq ?& ?a\b", r"\bquestions about\b",
                r"\bhelp ?desk\b", r"\blook\w* up (?:our )?(?:policies|procedures|methodology)\b", r"\bchat ?bot\b", r"\bsupport bot\b",
                r"\bcustomer (?:service|support|queries|questions)\b", r"\bask (?:it )?(?:anything|questions)\b", r"\bmethodolog", r"\bknowledge\b"),
                says=("answer customers' questions on our website", "staff ask it how we do things", "a helpdesk bot")),
        ),
        concept="output-consistency", short="the task",
        example="\"sorting support tickets\", \"pulling invoice details into a spreadsheet\" or \"writing client reports\"",
        names=r"\bthe (?:task|job) (?:is|would be)\b",
    ),
    Field(
        "monthly_volume", "volume",
        "About how many of these does the business handle a month?",
        "A number, for example \"about twelve a month\", \"300 a week\" or \"5k\".",
        concept="training-cost", short="monthly volume", example="\"about twelve a month\", \"300 a week\" or \"5k a year\"",
        names=r"\b(?:a|per|each) (?:month|week|day|year|quarter|fortnight)\b|\bmonthly\b|\bweekly\b|\bvolume\b",
    ),
    Field(
        "clean_examples", "count",
        "How many clean, labelled examples could you hand over today: an input paired with the output you'd be proud of?",
        "A number, for example \"maybe forty\" or \"about 2,000\". You can also upload them for an audit.",
        concept="training-data", short="clean examples", example="\"maybe forty\", \"about 2,000\" or \"none yet\"",
        names=r"\b(?:examples?|samples?|labell?ed|clean|usable|good ones|training (?:data|examples|set))\b",
    ),
    Field(
        "task_stable", "choice",
        "Will the task look the same in three months' time?",
        "If you are still working out what good looks like, say no.",
        _yes_no_unsure(
            Choice("yes", "Yes", "the task will stay the same", STEADY, "no",
                   says=("it's been the same for years", "that part won't change", "it should stay put")),
            Choice("no", "No", "the task is still changing", CHANGING, "yes",
                   says=("we're still working it out", "it keeps changing", "we're reorganising next quarter")),
            Choice("unsure", "Not sure", "not sure whether the task will change", (r"\bdepends on\b", r"\bmight\b", r"\bcould go either way\b"),
                   says=("hard to say", "it might change", "depends on the new manager")),
        ),
        concept="retraining", short="task stays the same", example="\"yes, it's been the same for years\" or \"no, we're still changing it\"",
        names=r"\b(?:task|process|job)\b.{0,40}\b(?:chang|same|stable|settled)|\b(?:chang|same|stable|settled)\w*\b.{0,40}\b(?:task|process)\b",
        polar=_YES_NO, narrows=((r"\bbeen doing (?:it|this)\b", ("yes", "unsure")), (NOT_THAT_I_KNOW, ("no", "yes", "unsure"))),
    ),
    Field(
        "personal_data", "choice",
        "Do the examples hold personal information, and may it lawfully go to the vendor's training systems?",
        "Names, emails, CVs, health or money details all count as personal data.",
        (
            Choice("none", "No personal data", "no personal data", (
                r"\bno personal\b", r"\bnothing personal\b", r"\bnot personal\b", r"\b(?:no|nothing about) (?:names|pii|individuals|people|anyone|customer data|personal info)\b", r"(?:n'?t|\bnot|\bnever)\b[^.;]{0,25}\bany(?:thing)? personal\b",
                r"\banonymi[sz]", r"\bde-?identif", r"\bredact", r"\ball (?:business|company|internal|technical) (?:data|documents|info)\b", r"^none\b",
                r"\b(?:don'?t|doesn'?t|do not|does not|won'?t) (?:contain|have|include|hold|mention) (?:any )?(?:personal|names|pii|people)\b",
                r"\bnon-personal\b", r"\b(?:no[- ]one|nobody)'?s (?:names?|details|data|info\w*|address\w*|e-?mails?|phone\w*)\b", r"\b(?:just|only) (?:product|technical|company|stock|part) (?:data|info|details|codes|numbers)\b(?![^.;]*\b(?:customer|client|patient|people|staff|contact|names?|e-?mails?|phones?|address\w*)\b)", r"\bno customer (?:details|info)\b",
                r"\bdoubt (?:there'?s|there is|there are|we have|we'?ve got|it has|they have|it holds) (?:any(?:thing)?|much) (?:personal|private|about (?:people|anyone))\b"),
                says=("it's all product data, no people in it", "nothing about individuals", "names are stripped out")),
            Choice("lawful", "Yes, and we may lawfully share it", "personal data you may lawfully share", (
                r"\bconsent(?:ed)?\b", r"\bdpa\b", r"\bprocessing agreement\b", r"\b(?:lawful|legal) basis\b", r"\blegitimate interest", r"\ballowed\b",
                r"\bpermitted\b", r"\b(?:we )?(?:can|may) (?:\w+ )?(?:share|send|use)\b", r"\b(?:fine|ok|okay) to share\b", r"\b(?:contracts?|privacy notices?|terms) (?:(?!not\b|never\b)\w+ ){0,4}?(?:covers?|allows?)\b",
                r"\bcovered by\b", r"\bgdpr[- ]compliant\b", r"\bcleared\b", r"\blegal (?:said|approved|signed off)\b", r"\bapproved\b", r"\bsigned off\b",
                r"\blawful\b", r"\blegally (?:that'?s |it'?s )?(?:fine|ok|okay|allowed)\b", r"\bagreed to\b", r"\bopted in\b"), "not_lawful",
                says=("yes but customers agreed to it", "our lawyer signed it off", "we have a DPA in place")),
            Choice("not_lawful", "Yes, and we may not share it", "personal data you may not share", (
                r"\bno (?:lawful|legal) basis\b", r"\bnot (?:lawful|legal|allowed|permitted|cleared|authori[sz]ed)\b", r"\bunlawful", r"\billegal",
                r"\bmay not\b", r"\bmustn'?t\b", r"\bmust not\b", r"\b(?:can'?t|cannot|couldn'?t|shouldn'?t|should not) (?:\w+ )?(?:share|send|give|hand|pass|use)\b",
                r"\b(?:wouldn'?t|would not|aren'?t|are not|isn'?t|is not) (?:be )?allowed\b", r"\bno consent\b", r"\bwithout (?:consent|permission)\b",
                r"\b(?:never|didn'?t|did not) (?:get|got|ask for|obtain|obtained)\w* consent\b", r"\bno dpa\b", r"\bno (?:data )?processing agreement\b",
                r"\bnot covered\b", r"\bbreach", r"\bagainst (?:gdpr|the law|our policy)\b", r"\bnot supposed to\b", r"\bno chance\b", r"\bno way\b",
                r"\bconfidential\b", r"\bstrictly private\b", r"\boff limits\b", r"\bno-go\b",
                r"\b(?:names|emails?|bank|address\w*|cvs?|health|medical|salar\w*|personal|customer details|phone\w*|details)\b.{0,60}"
                r"\b(?:absolutely not|no way|definitely not|certainly not|not allowed|nope|no chance)\b"),
                says=("no chance we could share those", "that would breach our clients' trust", "legally we can't hand that over")),
            Choice("unsure", "Not sure", "not sure about the personal data", (
                r"\b(?:need|want|have|like) to (?:double[- ])?check\b", r"\bcheck with\b", r"\bask (?:our )?(?:legal|dpo|lawyers?|solicitor|accountant)\b", r"\bgr[ae]y area\b",
                r"\b(?:not sure|don'?t know|dunno|unsure|no idea|no clue|not certain|unclear) (?:if|whether|what|about)\b", r"\bbeyond me\b"),
                says=("I'd have to check with our lawyer", "no idea what the rules are", "grey area")),
        ),
        concept="personal-data", short="personal data",
        narrows=((r"\bnames?\b|\bemails?\b|\bcvs?\b|\baddress|\bphone|\bhealth|\bmedical|\bsalar|\bbank|\bpersonal|\bcustomer details\b|"
                  r"\bdates? of birth\b", ("lawful", "not_lawful", "unsure")),),
        example="\"no personal data\", \"yes, and customers consented\", \"yes, and we can't share it\" or \"not sure\"",
        names=r"personal (?:data|info)|\bcvs?\b|\bgdpr\b|\bconsent\b|anonymi|\blawful|\bdpa\b|\bnames in (?:there|them|it)\b|\b(?:customer|client|patient|staff|people'?s) (?:names|details)\b",
        polar={"yes": None, "no": None, "unsure": "unsure"},
    ),
    Field(
        "prompt_rag", "choice",
        "Have you tried well-written prompts plus RAG (the model reading your documents), and were they good enough?",
        "If nobody has tried the cheaper options yet, say so.",
        (
            Choice("acceptable", "Tried: good enough", "prompts plus RAG were tried and were good enough", (
                r"\bgood enough\b", r"\bup to (?:scratch|much|the job)\b", r"\bfine\b", r"\bacceptable\b", r"\bwork(?:s|ed)? (?:well|fine|ok|okay|great|nicely)\b", r"\bok\b", r"\bokay\b",
                r"\bdecent\b", r"\bgreat\b", r"\bgood\b", r"\bhappy\b", r"\bsatisfied\b", r"\bdoes the job\b", r"\bdid the job\b", r"\bsolid\b",
                r"\bexcellent\b", r"\bspot on\b", r"\balright\b", r"\badequate\b", r"\busable\b", r"\bpassable\b", r"\bsufficient\b", r"\bdid (?:pretty )?well\b", r"\bnot bad\b"),
                "not_acceptable", says=("we tried it and it's fine", "chatgpt with our docs does the job", "it worked well enough")),
            Choice("not_acceptable", "Tried: not good enough", "prompts plus RAG were tried and were not good enough", (
                r"\bpoor\b", r"\bbad\b", r"\bterrible\b", r"\bawful\b", r"\brubbish\b", r"\buseless\b", r"\bfell short\b", r"\bdisappoint",
                r"\binconsistent\b", r"\bhallucinat", r"\bwrong\b", r"\bworse\b", r"\bstruggl", r"\bfail", r"\bmediocre\b", r"\bpatchy\b",
                r"\bhit and miss\b", r"\bmeh\b", r"\bso-so\b", r"\bweak\b", r"\bunreliable\b", r"\bmistakes\b", r"\berrors\b", r"\bunacceptable\b",
                r"\bgeneric\b", r"\bnot there\b", r"\bdrift", r"\bkept (?:getting|going|making|changing|breaking)\b", r"\bmade (?:stuff|things) up\b",
                r"\bdidn'?t (?:quite )?(?:work|cut it|do it)\b", r"\bnot quite\b", r"\ball over the place\b", r"\bgave up\b"),
                "acceptable", says=("we tried a careful prompt and the format kept drifting", "it made things up", "not reliable enough")),
            Choice("not_tried", "Not tried yet", "prompts plus RAG have not been tried yet", (
                r"\b(?:not|never|haven'?t|have not|hasn'?t|has not|didn'?t|did not|no one|nobody|nothing|not yet)\b(?:'s|'ve)?(?:\s+\w+){0,3}?\s+"
                r"(?:tried|try|tested|test|attempted|looked at|done|used|got round|had a (?:go|try|crack|bash))\b", r"\bnot yet\b", r"\bhaven'?t\s*$", r"^(?:no,? )?(?:we|i) (?:haven'?t|didn'?t|never)(?: yet| ourselves)?\s*[,.;]", r"\buntried\b",
                r"^(?:probably|prob|likely|i think|i don'?t think|pretty sure)(?: we)? (?:haven'?t|have not|didn'?t|not)\b(?:,? no)?\s*[.!]*$",
                r"\bnever\b", r"\bwhat'?s (?:that|rag)\b", r"\bstraight to\b", r"\bskipped (?:that|it)\b",
                r"\b(?:don'?t|do not|no idea|not sure|unsure) (?:\w+ )?(?:what|how) (?:rag|that|it) (?:is|means|works)\b"),
                says=("no, we went straight to the vendor", "haven't got round to it", "no idea what RAG even is")),
        ),
        concept="rag", short="prompting and RAG",
        narrows=((r"\btried\b|\bhad a go\b|\bgave it a (?:go|try|whirl)\b|\bplayed (?:about|around) with\b|\bexperimented\b",
                  ("acceptable", "not_acceptable")),),
        example="\"tried, good enough\", \"tried, but it kept making mistakes\" or \"not tried yet\"",
        names=r"\btr(?:ied|y|ying)\b|\bchat ?gpt\b|\bprompts?\b|\brag\b",
        polar={"yes": None, "no": None, "unsure": None},
    ),
    Field(
        "fresh_knowledge", "choice",
        "Do the answers depend on facts that change: prices, policies, documents?",
        "If the right answer next month could differ from today's, say yes.",
        _yes_no_unsure(
            Choice("yes", "Yes", "the answers depend on facts that change", CHANGING + (
                r"\bout of date\b", r"\bcurrent\b", r"\blatest\b", r"\blive\b", r"\bfluctuat", r"\bprices?\b", r"\bpolic(?:y|ies)\b",
                r"\brates\b", r"\bstock(?: levels?)?\b", r"\bavailability\b", r"\blegislation\b", r"\bregulations\b", r"\bseasonal\b",
                r"\bevery (?:day|week|month|quarter|year)\b", r"\ball the time\b", r"\bconstantly\b",
                r"\bsome of (?:it|them|the (?:facts|answers|info\w*)) (?:does|do|will|changes?)\b", r"\bsome of (?:it|them),? like\b"), "no",
                says=("prices go up every spring", "our policies get revised a lot", "stock changes daily")),
            Choice("no", "No", "the facts behind the answers stay put", STEADY + (
                r"\btimeless\b", r"\bevergreen\b", r"\bconstant\b", r"\bpermanent\b", r"\bhistorical\b", r"\bnothing (?:time|date)[- ]sensitive\b",
                r"\b(?:do|does)(?:n'?t| not) come into it\b"), "yes", says=("it's the same facts every time", "nothing in it goes out of date", "it's all about our method")),
            Choice("unsure", "Not sure", "not sure whether the facts change", (r"\bsome(?:times| of (?:it|them))\b", r"\bnow and (?:then|again)\b"),
                   says=("some of it maybe", "hard to say", "possibly now and then")),
        ),
        concept="knowledge-currency", short="needs up-to-date facts",
        example="\"yes, our prices change every month\" or \"no, it's the same facts every time\"",
        names=r"\bfacts\b|\b(?:prices|policies)\b.{0,60}\bchang|\b(?:up|out) of date\b|\bup-to-date\b",
        polar=_YES_NO,
    ),
    Field(
        "regulated", "choice",
        "Will the output feed decisions about individuals, such as hiring, lending, insurance or health?",
        "These are the uses that law treats as high-risk.",
        _yes_no_unsure(
            Choice("yes", "Yes", "the output feeds decisions about individuals", (
                r"\bhir(?:e|es|ed|ing)\b", r"\brecruit", r"\blend", r"\bloans?\b", r"\bcredit\b", r"\bmortgage", r"\bdiagnos", r"\btreatments?\b",
                r"\bdisciplin", r"\bpromotions?\b", r"\bfiring\b", r"\bdismiss", r"\bdecisions? about\b", r"\beligib", r"\bbenefits? claims?\b", r"\bindividuals\b",
                r"\bgrading\b", r"\bexams?\b", r"\bimmigration\b", r"\bshortlist", r"\bscreen(?:s|ing)? (?:people|applicants|cvs|candidates|tenants)\b",
                r"\bappraisals?\b", r"\bperformance reviews?\b", r"\b(?:insurance|benefit) claims\b", r"\btenant referenc", r"\bunderwrit",
                r"\b(?:rank|scor|assess|vet|select|approv|reject|declin|screen|triag|priorit)\w* (?:the |our |their |which )?(?:\w+ )?"
                r"(?:applicants|candidates|customers|people|staff|employees|tenants|patients|claims|applications|cvs)\b"),
                "no", says=("it helps us shortlist applicants", "it scores loan applications", "it would suggest treatments")),
            Choice("no", "No", "no decisions about individuals", (
                r"\binternal\b", r"\badmin\b", r"\bback[- ]office\b", r"\bpaperwork\b", r"\binvoices?\b", r"\btickets?\b", r"\bproducts?\b",
                r"\bmarketing\b", r"\boperations?\b", r"\binformational\b", r"\bdocuments only\b", r"\bnothing (?:like|of the sort|to do with)\b",
                r"\bnot about (?:people|individuals|anyone)\b", r"\bnone of (?:those|that|them)\b", r"\bnot that i know of\b"),
                says=("nothing like that, it's just admin", "it's about products, not people", "no, only internal paperwork")),
            Choice("unsure", "Not sure", "not sure whether it feeds decisions about people", (r"\bindirectly\b", r"\bin a way\b", r"\bsort of\b"),
                   says=("maybe indirectly", "possibly later on", "in a roundabout way")),
        ),
        concept="eu-ai-act", short="decisions about individuals",  # a topic alone (health, HR, candidates) is asked back:
        narrows=((r"\bcandidates?\b|\bcvs?\b|\bapplicants?\b|\binsur|\bhealth|\bmedical\b|\bpatients?\b|\bclinical\b|\bgps?\b|\btenan|\bwelfare\b|\bhr\b|\bhuman resources\b", ("yes", "no", "unsure")),),
        example="\"no, it's just admin\" or \"yes, it helps us shortlist candidates\"",
        names=r"\bhiring\b|\blending\b|\binsurance\b|\bhealth\b|\bdecisions about\b|\brecruit|\bhigh[- ]risk\b",
        polar=_YES_NO,
    ),
    Field(
        "vendor_examples", "choice",
        "Could the vendor tell you how many clean examples they need?",
        "This is the first data-audit question.",
        _vendor_answer("the vendor said how many examples they need", "the vendor could not say how many examples they need", NO_NUMBER),
        concept="data-audit", short="vendor said how many examples", example="\"yes, they said 500\", \"they dodged it\" or \"I haven't asked\"",
        names=r"\bhow many (?:examples|samples)\b|\bthe examples question\b|\bnumber (?:of|for) (?:the )?examples\b|\bexamples they need\b|\bi did ask\b|"
              r"\bthey said [\d,]+|\b\d[\d,]* examples\b|\b(?:gave|give|said|named|quoted|put) (?:us )?(?:a|any|the) number\b(?! for)", polar=_VENDOR_POLAR,
    ),
    Field(
        "vendor_shortfall", "choice",
        "Could they say what they will do if you don't have enough?",
        "The second data-audit question.",
        _vendor_answer("the vendor said what they'd do if you don't have enough",
                       "the vendor could not say what they'd do if you don't have enough"),
        concept="data-audit", short="vendor's plan for too few examples",
        example="\"yes, they'd write more with us\", \"no real answer\" or \"I haven't asked\"", polar=_VENDOR_POLAR,
        names=r"\bnot enough\b|\btoo few\b|\bshortfall\b|\bif we (?:don'?t|do not) have enough\b|\btop (?:it |them |us )?up\b|\bsynthetic\b",
    ),
    Field(
        "vendor_retraining", "choice",
        "Could they say how the model is retrained when your processes change?",
        "The third data-audit question.",
        _vendor_answer("the vendor explained how the model is retrained", "the vendor could not say how the model is retrained",
                       (r"\b(?:won'?t|will not|doesn'?t|does not|never) need (?:any )?(?:retrain|updat|re-?train)",
                        r"\bno need (?:to|for) (?:retrain|updat)", r"\bnever needs? (?:retrain|updat)", r"\bset (?:it )?and forget\b")),
        concept="retraining", short="vendor's retraining plan",
        example="\"yes, they retrain it every quarter\", \"they were vague\" or \"I haven't asked\"", polar=_VENDOR_POLAR,
        names=r"\bretrain\w*\b|\bwhen (?:our )?process(?:es)? change\b",
    ),
)
# fmt: on

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)

# Facts the verdict needs before it can say fine_tune; unknown or unsure ones lead to "clarify".
DECIDING_FIELDS: tuple[str, ...] = (
    "clean_examples",
    "monthly_volume",
    "task",
    "task_stable",
    "personal_data",
    "prompt_rag",
    "fresh_knowledge",
)
# Facts that go with the asked ones: the quote's currency and the top of a quoted range, and a recurring fee, which
# comes only from the pitch reader.
EXTRA_FACTS: tuple[str, ...] = ("currency", "quote_high", "monthly_fee")
MONEY_FACTS: tuple[str, ...] = ("quote", "quote_high", "monthly_fee")
CURRENCIES: tuple[str, ...] = ("GBP", "USD", "EUR")
# Older fact files name pounds in the key; they are read as the same facts in pounds.
LEGACY_KEYS: dict[str, str] = {"quote_gbp": "quote", "monthly_fee_gbp": "monthly_fee"}
MAX_FIGURE = 1e12  # beyond this a figure is a typo, not a business quantity


def empty_facts() -> dict[str, Any]:
    """All fields unknown."""
    return {name: None for name in FIELD_NAMES + EXTRA_FACTS}


def _shown(value: Any) -> str:
    """A bad value as an error message quotes it: cut short, so a 100,000-digit string makes a short line."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _number(name: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name}: expected a number, got {_shown(value)}") from None
    if not math.isfinite(number) or number < 0 or number > MAX_FIGURE:
        raise ValueError(f"{name}: expected a number from 0 to {MAX_FIGURE:,.0f}, got {_shown(value)}")
    return number


def normalise_facts(raw: dict[str, Any]) -> dict[str, Any]:
    """Facts from JSON: unknown keys dropped, missing ones None, choice values checked, numbers coerced and bounded.

    Raises ValueError naming the field when a value is not allowed.
    """
    facts = empty_facts()
    legacy = any(k in raw for k in LEGACY_KEYS) and raw.get("quote") is None
    for name, value in raw.items():
        name = LEGACY_KEYS.get(name, name)
        if name not in facts or value is None:
            continue
        spec = FIELD_BY_NAME.get(name)
        if name == "currency":
            if str(value).upper() not in CURRENCIES:
                raise ValueError(f"currency: expected one of {', '.join(CURRENCIES)}, got {_shown(value)}")
            facts[name] = str(value).upper()
        elif name in MONEY_FACTS:
            facts[name] = _number(name, value)
        elif spec is not None and spec.kind in ("count", "volume"):
            facts[name] = round(_number(name, value))
        elif spec is not None and spec.kind == "choice":
            if value not in spec.choice_values():
                raise ValueError(f"{name}: expected one of {', '.join(spec.choice_values())}, got {_shown(value)}")
            facts[name] = value
        else:
            facts[name] = str(value)
    if legacy and facts["currency"] is None and (facts["quote"] is not None or facts["monthly_fee"] is not None):
        facts["currency"] = "GBP"
    return facts
