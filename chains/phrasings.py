"""Phrasings shared by several fields of the table in chains/facts.py: a task that changes or stays put, and what
owners say of a vendor's answer. Each is a regular expression on lower-cased text; adding a phrasing is one line."""

from __future__ import annotations

import re

CHANGING = (
    r"\bchang",
    r"\bevolv",
    r"\bshift",
    r"\bin flux\b",
    r"\bmoving target",
    r"\bstill (?:working|figuring|learning|deciding)",
    r"\bworking (?:it |that )?out\b",
    r"\bfiguring (?:it )?out\b",
    r"\bexperiment",
    r"\bvar(?:y|ies)\b",
    r"\bpivot",
    r"\bredesign",
    r"\brestructur",
    r"\boverhaul",
    r"\bunstable\b",
    r"\bupdat",
    r"\brevis",
    r"\bdifferent (?:every|each)\b",
    r"\bin progress\b",
    r"\brework",
    r"\bnew (?:process|system|way)\b",
    r"\bup in the air\b",
    r"\btweak",
    r"\bmov(?:e|ing) around\b",
    r"\bmerg",
    r"\btaken over\b",
    r"\bacquisition\b",
    r"\bnew (?:owner|manager|boss|software|regulations?)\b",
)
STEADY = (
    r"\bsame\b",
    r"\bstable\b",
    r"\bsettled\b",
    r"\bconsistent\b",
    r"\bfixed\b",
    r"\bestablished\b",
    r"\bunchanged\b",
    r"\bsteady\b",
    r"\bpredictable\b",
    r"\bstandardi[sz]ed\b",
    r"\bset in stone\b",
    r"\bfor (?:years|ages|decades)\b",
    r"\balways been\b",
    r"\bstatic\b",
    r"\bstay(?:s)? (?:put|the same|as (?:it|is))\b",
    r"\bwon'?t change\b(?!.*\bbut\b)",
    r"\bnot (?:going to|gonna) change\b",
    r"\bdone it this way\b",
    r"\broutine\b",
    r"\b(?:locked|frozen) (?:in|for)\b",
    r"\b(?:should|will|would) stay\b",
    r"\blast (?:updated|changed|touched|revised) (?:in |back in )?(?:19|20)\d\d\b",
    r"\b(?:nobody|no one|no-one) has (?:touched|changed|updated)\b",
    r"\bnot (?:been )?(?:changed|touched|updated|revised) (?:in|for|since)\b",
)
# Doing it for years says little of next year, and "not that I know of" to "will it look the same?" reads either way.
NOT_THAT_I_KNOW = r"^not (?:that i know of|as far as i know|to my knowledge)"
VENDOR_NOT_ASKED = (
    r"\b(?:haven'?t|have not|hasn'?t|didn'?t|did not|never|not yet|yet to|forgot to|going to|gonna|will|'ll|need to|should|must)"
    r"(?: \w+){0,3} (?:ask|raise|bring (?:it|that) up|check)",
    r"\b(?:get|got|getting) (?:a)?round to (?:ask|it|that)",
    r"\bnot (?:been )?asked\b",
    r"\bno chance to ask\b",
    r"\bhaven'?t (?:checked|raised it|got that far)\b",
    r"^not yet\b",
    r"\bwasn'?t (?:discussed|mentioned)\b",
    r"\bnever came up\b",
    r"\bdidn'?t come up\b",
    r"\bnot discussed\b",
    r"\bnot (?:something|a thing) (?:i|we) (?:asked|raised)\b",
)
VENDOR_NO = (
    r"\bdodg",
    r"\bavoid",
    r"\bevad",
    r"\bsidestep",
    r"\bdeflect",
    r"\bwaffl",
    r"\bvague\b",
    r"\bhand-?wav",
    r"\bfudg",
    r"\bbrush(?:ed)? (?:it |me |us )?off\b",
    r"\bchanged the subject\b",
    r"\bskirted\b",
    r"\b(?:couldn'?t|could not|can'?t|cannot|wouldn'?t|would not|won'?t|didn'?t|did not)"
    r" (?:really |actually )?(?:say|tell|answer|give|explain|commit|confirm|specify|put a number)",
    r"\brefused\b",
    r"\bno (?:clear |real |straight |proper )?(?:answer|number|figure|plan)\b",
    r"\bthey (?:couldn'?t|could not|can'?t|didn'?t|did not|wouldn'?t)\b",
    r"\bnot (?:really )?(?:a|an|much of an?) (?:number|figure|answer)\b",
    r"\bisn'?t (?:really )?(?:a|an) (?:number|answer|plan)\b",
    r"\b(?:it'?ll|it'?d|it would|it will|would) ['\"]?be (?:fine|ok|okay|alright)\b",
    r"\bwouldn'?t be a problem\b",
    r"\bnever (?:said|explained) (?:why|how)\b",
    r"\bno detail",
    r"\bnever happened\b",
    r"\bwent (?:quiet|silent)\b",
    r"\bas much (?:data |as )?(?:as )?(?:possible|they can get|we can give|we'?ve got|you'?ve got)\b",
    r"\bnothing (?:specific|concrete|definite)\b",
    r"\bthe more the better\b",
    r"\b(?:no ?one|nobody|never)(?: \w+)? (?:explained|said|told (?:us|me)) (?:how|what|why)\b",  # "they'd sort it, but no one explained how"
    r"\banywhere (?:from|between) \d[\d,]* (?:to|and) \d[\d,]*\b",  # "anywhere from 50 to 5,000 depending"
    r"\b(?:it )?(?:all )?depend(?:s|ed|ing)?\s*(?:on (?:the|how|what|a lot)\b|[.!]*$)",
    r"\bghosted\b",
    r"\bradio silence\b",
    r"\bhadn'?t (?:an?|any) (?:answer|clue|idea)\b",
    r"\bwithout (?:ever )?giving\b",
    r"\bjust adapts\b",
    r"\bhandle it\b",
    r"\bflywheel",
    r"\b['\"]loads['\"]",
    r"\bwho knows\b",
    r"\bkeeps? learning\b",
    r"\blearns? (?:by|on) (?:itself|its own)\b",
    r"\bvery reassuring\b",
    r"\bsure,? sure\b",
    r"\bthey (?:don'?t|didn'?t|did not|do not) know\b",
    r"\bthey (?:had|have) no (?:idea|clue)\b",
    r"\bthey (?:weren'?t|were not|aren'?t|are not) sure\b",
    r"\bunclear\b",
    r"\bnon-?committal\b",
    r"\bit depends\b",
    r"\bwe'?ll see\b",
    r"\btbc\b",
    r"\bget back to (?:us|me)\b",
    r"\bcome back to (?:us|me)\b",
    r"\bsaid (?:it )?depends\b",
    r"\bnot really\b",
    r"\bblank\b",
    r"\bshrug",
    r"\bphase (?:two|2)\b",
    r"\blater (?:on|stage)\b",
    r"\bdown the (?:line|road)\b",
    r"\bcross that bridge\b",
    r"\b(?:know|tell (?:us|me)|say|decide|see|confirm|work (?:it|that) out)\w* "
    r"(?:after|once|when) (?:the )?['\"]?(?:pilot|trial|discovery|kick-?off|we (?:start|sign)|they(?:'ve| have) seen)",
    r"\bjust said\b",
    r"\bas (?:much|many) as (?:possible|we can|you can|we'?ve got|you'?ve got|we have|you have)\b",
    r"\b(?:no|not a|won'?t be a|wouldn'?t be an?) (?:problem|issue|worries)\b",
    r"\blearns? as (?:it|we|you) go",
    r"\bself[- ]?(?:learning|improving)\b",
    r"\bno (?:specific|exact)\b",
    r"\bsaid (?:loads|lots|a lot|plenty|tons|heaps|as many as)\b",
    r"\bwhatever (?:we|you) (?:have|'ve got|got)\b",
    r"\bmake it work\b",
    r"\b(?:figure|work|sort) (?:it|that|something) out\b",
    r"\blook(?:ing)? into it\b",
)
VENDOR_WEAK_YES = (
    r"\bthey(?: (?:said|told|explained|answered|gave|quoted|showed|promised|confirmed|would|will|reckon)|'d|'ll)\b",
)
VENDOR_YES = (
    r"\bsaid (?:about |around )?\d",
    r"^(?:about |around |roughly |maybe |approx\w* )?\d[\d,]*\s*(?:k\s*)?(?:clean |labell?ed )?(?:examples|samples|records|pairs)\b",
    r"\b(?:they|said|need|needs|want|wants|asked for|minimum|at least)\b[^.,;]{0,30}?\d[\d,]*\s*(?:k\s*)?(?:clean |labell?ed )?"
    r"(?:examples|samples|records|pairs)\b",
    r"\bgave (?:us |me )?(?:a|the|an)\b",
    r"\bthey did (?:say|tell|explain|answer)\b",
    r"\btold (?:us|me)\b",
    r"\bexplained\b",
    r"\bclear(?:ly)? answer",
    r"\banswered\b",
    r"\bspecific\b",
    r"\bdetailed\b",
    r"\bin writing\b",
    r"\bclear plan\b",
    r"\bwalked (?:us|me) through\b",
    r"\bstraight answer\b",
    # a figure they gave, or a plan: what they would do when examples run short, or how retraining is done
    r"\b(?:said|told(?: us| me)?)\b[^.;%]{0,30}?(?:\d[\d,.]*(?![\d,.]|\s?%|\s?per ?cent)|\b(?:a|one|two|five|ten|a few|a couple of|several) (?:hundred|thousand)\b)",
    r"\bsynthetic\b",
    r"\b(?:generat|mak|creat|writ|label|annotat|buy|pad)\w* (?:\w+ ){0,3}?(?:more|extra|examples|data|dataset|ones|some)\b",
    r"\bpilot\b",
    r"\btop (?:it |them |us )?up\b",
    r"\brefund",
    r"\blabell?ing sprint\b",
    r"\bre-?(?:train|run)\w* (?:\w+ ){0,4}?(?:every|each|within|quarterly|monthly|overnight|when|whenever|for [£$€\d])",
    r"\b(?:refresh|update)\w* (?:\w+ ){0,2}?(?:every|each|monthly|quarterly|yearly)\b|\b(?:monthly|quarterly|yearly) (?:updates|refresh|retrain)",
    r"\b(?:per|each) retrain\b",
)

# "don't know" to a figure or price: "no idea", "not been quoted yet", "the quote will follow next week".
DONT_KNOW = re.compile(
    r"\b(?:don'?t know|do not know|dont know|dunno|no idea|not sure|unsure|no clue|not a clue|can'?t say|cannot say|"
    r"(?:could|can)(?:n'?t| ?not) tell you|(?:don'?t|do not|never) (?:keep track|track|tracked|count|counted)|no way of knowing|"
    r"unknown|idk|skip|pass|n/?a|no quote yet|(?:quote|price|figure|number)s? (?:will|would|is going to|is to) (?:follow|come)|"
    r"not (?:been )?quoted|haven'?t (?:got|had|received) (?:a|the) (?:quote|price)|"
    r"(?:they )?haven'?t said|not given|not yet|no figure|no number|not (?:been )?(?:given|told)|hard to say|"
    r"haven'?t (?:a clue|counted)|never counted|(?:didn'?t|did not|haven'?t) (?:give|say|mention)|tbc|to be confirmed|"
    r"no price|not discussed|waiting (?:for|on)|haven'?t (?:got|had|received|been given) (?:a|the|any) (?:number|figure|price|quote|cost)|"
    r"(?:wouldn'?t|won'?t|didn'?t|did not|couldn'?t|haven'?t|hasn'?t) (?:give|given|tell|told|say)(?: us| me)? (?:a|any|the) "
    r"(?:price|figure|number|quote|cost)|"
    r"no (?:idea|clue) (?:of|about) (?:the )?(?:price|cost|number)|haven'?t (?:the )?(?:foggiest|faintest|slightest)|not a scooby|"
    r"can'?t remember|no notion|haven'?t a notion|"
    r"(?:haven'?t|hasn'?t|not) (?:yet )?(?:sent|emailed|given)(?: (?:us|me|it))?(?: over)? (?:a|the|any) (?:price|figure|number|quote|cost)|"
    r"no ?(?:one|body)'?s? (?:has )?(?:given|sent|told)(?: us| me)? (?:a|the|any) (?:price|figure|number|quote|cost)|^none yet\b|(?:^|\bi |\bi'd |\bi'll |\bwe |\bwe'd |\bwe'll )(?:would |will |'d |need to |have to |must )?(?:have to |need to )?(?:check|ask)(?: (?:with|first|around|someone|my|our|the) [^.;,]*| [a-z]+(?: (?:in|from|at|on) [a-z ]+)?)?\s*[.!]*$|haven'?t told (?:us|me)|(?:haven'?t|hasn'?t|didn'?t|won'?t|wouldn'?t|not) (?:yet )?put a (?:number|figure|price) on it|(?:just )?said ['\"]?(?:it )?depends)\b"
)

# Which end of a clarifying question's two readings a typed reply names ("weekdays only", "nearer the top").
WORKING_DAYS = (
    r"\b(?:week ?days?|working days?|work days?|business days?|mon(?:day)?s? ?(?:-|to|till|thru|through) ?fri(?:day)?s?|"
    r"(?:shut|closed|off|not open|don'?t (?:work|open)) (?:at |on |over )?(?:the )?weekends?|five days|5 days|not (?:at |on )?weekends?)\b"
)
EVERY_DAY = r"\b(?:every ?day|seven days|7 days|all week|weekends too|including weekends|open (?:at |on )?weekends|daily)\b"
LOWER_END = r"\b(?:lower|less|fewer|smaller|bottom|low end|nearer (?:the )?(?:first|low))\b"
HIGHER_END = r"\b(?:higher|more|bigger|larger|top|upper|high end|nearer (?:the )?(?:second|high))\b"

# "about 2,000 old ones saved on the server": a stock kept so far, not how many a month.
STOCK = re.compile(
    r"\b(?:saved|stored|archived?|backlog|on file|kept|sitting|so far|to date|over the years|in total|all told|"
    r"old ones|(?:on|in) (?:the|our) (?:server|system|drive|database|crm|inbox|archive))\b"
)
# "they said they need 500": the vendor's figure, not the owner's count.
VENDOR_FIGURE = re.compile(
    r"\b(?:they|vendor|he|she|the (?:vendor|company|agency|supplier))(?: have| had)? (?:said|say|says|reckon\w*|want\w*|asked for|"
    r"need\w*|quoted|told us)(?: (?:they|we|you|us))?(?: (?:need|want|require|would need|'?d need))?(?: (?:at least|about|around))?\s*$"
)

# Units a count is given per ("each of our 4 branches has 50").
UNITS = (
    r"offices|branches|sites|shops|stores|locations|teams|clinics|depots|vans|engineers|reps|agents|advis[eo]rs|staff|people|"
    r"salons|restaurants|practices|surgeries|warehouses|departments|franchises|outlets"
)
EACH = re.compile(
    r"\beach\b|\bevery(?:one|body)(?: (?:on|in) (?:the|our) \w+)? (?:does|handles|gets|sends|writes|deals with|answers|"
    r"processes|takes|does about|handles about)\b|\bper (?:head|person)\b|\bper (?:"
    + UNITS
    + r"|"
    + re.sub(r"(?:(?<=ch)e)?s(?=\||$)", "", UNITS)
    + r"|one)\b|\bapiece\b|\bevery one of\b"
)
# "they never actually gave a number": no answer to how many examples.
NO_NUMBER = (
    r"\b(?:never|didn'?t|did not|wouldn'?t|couldn'?t|not) (?:\w+ )?(?:gave|give|say|said|name|named|quote|put) (?:us )?"
    r"(?:a|any|the) number\b(?! for)",
)

# "do you mean customers or orders? ...": the owner asks which reading is meant before answering.
ASKS_WHICH = re.compile(
    r"^\s*(?:(?:do|did|d'?) ?you mean|(?:does|do) (?:that|this|it) mean|what do you mean|you mean|as in)\b[^?]{0,80}\bor\b[^?]{0,60}\?"
)
# "60 containers a year, each with a stack of paperwork": each of the things counted brings an uncounted number of items.
EACH_MANY = re.compile(
    r"^[^.;]{0,30}?\b(?:each(?: one)?|the item) (?:with|has|having|means|brings|needs|comes with|generat\w+|produc\w+|involv\w+) "
    r"(?:(?:a|its|their) )?(?:own )?(?:stack|pile|bunch|load|lot|heap|raft|handful|couple|few|several|multiple|loads|lots|plenty|dozens|hundreds)\b"
)
