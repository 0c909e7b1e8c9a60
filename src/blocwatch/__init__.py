"""blocwatch: code news about international politics into CAMEO political events.

    from blocwatch import Coder
    coder = Coder()
    for event in coder.code_text(text, date="2022-06-27"):
        print(event.source.code, event.cameo, event.target and event.target.code)
"""

from .coding.coder import Coder
from .errors import BlocwatchError, InputError, KnowledgeBaseError, ModelError, UsageError
from .records import ActorRef, Article, CodedArticle, Event, Plover, Quote, Speaker, VerbRef
from .settings import Settings
from .text.read import read_inputs
from .version import __version__

__all__ = [
    "ActorRef",
    "Article",
    "BlocwatchError",
    "CodedArticle",
    "Coder",
    "Event",
    "InputError",
    "KnowledgeBaseError",
    "ModelError",
    "Plover",
    "Quote",
    "Settings",
    "Speaker",
    "UsageError",
    "VerbRef",
    "__version__",
    "read_inputs",
]
