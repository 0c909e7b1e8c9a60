"""Dependency-frame helpers shared by the event and modality stages: who is the subject
of a verb (with control and inheritance), and where a lexicon target role points."""

from __future__ import annotations

from spacy.tokens import Token

SUBJ = ("nsubj", "csubj")
# "urge X to attack": the object of these verbs is the subject of their infinitive.
OBJECT_CONTROL = frozenset({"urge", "ask", "force", "persuade", "order", "tell", "allow",
                            "encourage", "invite", "press", "pressure", "compel", "require",
                            "accuse", "blame", "help", "call"})
# "accused X of forming ... by holding": X does the embedded acts.
ACCUSATION = frozenset({"accuse", "blame", "criticize", "criticise", "condemn", "denounce"})
# "sentenced X for insulting ...", "praised X for helping ...": X did the act.
JUDGED_FOR = frozenset({"sentence", "jail", "imprison", "arrest", "detain", "fine", "punish",
                        "prosecute", "charge", "indict", "convict", "execute", "expel",
                        "sanction", "praise", "thank", "commend", "reward", "honour", "honor",
                        "congratulate", "fault", "rebuke", "slam"})


# "X is expected/set/due/likely to V": X is the subject of V; the word says how sure V is
# (the modality the event takes, coding.modality).
RAISING = {"expect": "intended", "set": "intended", "schedule": "intended",
           "slate": "intended", "poise": "intended", "due": "intended", "ready": "intended",
           "willing": "intended", "likely": "hypothetical", "unlikely": "hypothetical",
           "unable": "negated"}


def children(tok: Token, *deps: str) -> list[Token]:
    return [c for c in tok.children if c.dep_ in deps]


def to_infinitive(tok: Token) -> bool:
    """Whether the verb carries the "to" of an infinitive ("to attack")."""
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)


def subject(verb: Token, depth: int = 0) -> tuple[Token | None, bool]:
    """The token heading the agent of ``verb`` and whether the verb is passive.

    Passive: the agent is the object of "by" (``agent`` dependency).  With no subject of its
    own, a verb inherits one through xcomp/conj/advcl/pcomp/acl/relcl."""
    if depth > 6:
        return None, False
    subj = children(verb, *SUBJ)
    if subj:
        return subj[0], False
    passive = bool(children(verb, "nsubjpass", "auxpass"))
    agents = children(verb, "agent")
    if agents:
        pobj = children(agents[0], "pobj")
        return (pobj[0] if pobj else None), True
    if passive:
        return None, True
    return _inherited(verb, depth), False


def _inherited(verb: Token, depth: int) -> Token | None:
    head, dep = verb.head, verb.dep_
    if head is verb:
        return None
    if dep == "relcl":
        return head
    if dep == "acl" and head.pos_ in ("NOUN", "PROPN") and verb.tag_ != "VBN":
        return head if verb.tag_ == "VBG" else subject(head.head, depth + 1)[0]
    if dep == "xcomp":
        if head.lemma_.lower() in OBJECT_CONTROL:
            obj = children(head, "dobj")
            if obj:
                return obj[0]
        if head.lemma_.lower() in RAISING:
            raised = children(head, "nsubjpass")  # "Biden is expected to meet Xi"
            if raised:
                return raised[0]
            if head.dep_ == "acomp" and head.head.pos_ in ("AUX", "VERB"):
                return subject(head.head, depth + 1)[0]  # "Modi is due to sign"
        return subject(head, depth + 1)[0]
    if dep == "pcomp" and head.dep_ == "prep":
        governor = head.head
        obj = children(governor, "dobj")
        if obj and (head.lower_ == "of" or governor.lemma_.lower() in ACCUSATION | JUDGED_FOR):
            return obj[0]
        if governor.pos_ in ("VERB", "AUX"):
            return subject(governor, depth + 1)[0]
        return None
    if dep in ("conj", "advcl", "ccomp") and head.pos_ in ("VERB", "AUX"):
        if dep == "ccomp":
            return None
        if dep == "advcl" and verb.tag_ == "VBG" and head.dep_ == "ccomp" and verb.i > head.i:
            # "X insisted Y give up ..., repeatedly offering to meet": the participle
            # belongs to the main clause, not to the complement.
            return subject(head.head, depth + 1)[0]
        return subject(head, depth + 1)[0]
    return None


def role_tokens(verb: Token, noun: Token | None, role: str, passive: bool) -> list[Token]:
    """Tokens a lexicon target role points at (before actor lookup)."""
    anchors = [verb] + ([noun] if noun is not None else [])
    if role == "dobj":
        if passive:
            return [t for t in children(verb, "nsubjpass") if t is not noun]
        return [t for t in children(verb, "dobj", "attr") if t is not noun
                and (noun is None or noun.head is not t)]
    if role == "dative":
        found = children(verb, "dative", "iobj")
        return [p for d in found for p in ([d] if d.dep_ != "prep" else children(d, "pobj"))]
    if role == "ccomp.subj":
        return [s for c in children(verb, "ccomp", "xcomp") for s in children(c, "nsubj")]
    if role == "poss":
        return children(noun, "poss") if noun is not None else []
    if role == "noun":  # the light noun names the target itself ("hostages held by X")
        return [noun] if noun is not None else []
    if role == "dobj.mod":
        objs = [noun] if noun is not None else children(verb, "dobj")
        return [m for o in objs for m in children(o, "compound", "amod", "poss", "nmod")]
    if role.startswith("xcomp."):
        inner = role[len("xcomp."):]
        return [t for x in children(verb, "xcomp") for t in role_tokens(x, None, inner, False)]
    if role.startswith("prep:"):
        word = role[len("prep:"):]
        out = []
        for anchor in anchors:
            for prep in children(anchor, "prep", "prt", "dative", "agent"):
                if prep.lower_ == word:
                    out += children(prep, "pobj", "pcomp")
        # "massed troops along the border with China": the neighbour across the border
        return out + [o for t in out if t.lemma_.lower() in BORDER_NOUNS
                      for w in children(t, "prep") if w.lower_ == "with"
                      for o in children(w, "pobj")]
    return []


BORDER_NOUNS = frozenset({"border", "frontier", "boundary"})


# Nouns that name part of a group, which is the actor: "members of Hamas", "fighters of
# the Islamic State group" (not supporters or followers: "supporters of the opposition, such
# as Saudi Arabia", nor remnants, which are what is left of a defeated group).
MEMBER_NOUNS = frozenset({"member", "fighter", "militant", "loyalist", "activist", "rank",
                          "cadre", "wing", "faction"})
# Nouns that only say what kind of thing the name in apposition is: "the group al-Nusra
# Front", "the militant group al-Shabab", "the country's ruling party, the ANC".
KIND_NOUNS = frozenset({"group", "organization", "organisation", "movement", "militia",
                        "outfit", "network", "coalition", "alliance", "party", "faction",
                        "country", "nation", "agency", "body", "company", "firm"})
QUANTITY_NOUNS = frozenset({"hundreds", "thousands", "dozens", "scores", "millions",
                            "wave", "barrage", "series", "number", "volley", "salvo", "string",
                            "spate", "round", "billion", "million", "tonnes", "tons", "$", "lot",
                            "dollars", "euros", "pounds", "yuan", "yen", "rupees", "francs",
                            "roubles", "rubles"})


def _noun_forms(tok: Token) -> set[str]:
    """The noun's lemma and text, alone and with its adjacent modifiers ("chemical
    weapons", "military aid", "hunger strike") or "of" noun ("state of siege")."""
    base = {tok.lemma_.lower(), tok.lower_}
    mods = [c for c in tok.children if c.dep_ in ("amod", "compound") and c.i == tok.i - 1]
    for mod in mods:
        base |= {f"{mod.lower_} {form}" for form in list(base)}
    for prep in children(tok, "prep"):  # "state of siege", "freedom of movement"
        if prep.lower_ == "of" and prep.i == tok.i + 1:
            base |= {f"{tok.lower_} of {o.lower_}" for o in children(prep, "pobj")
                     if o.i == prep.i + 1}
    return base


def light_noun(verb: Token, nouns: tuple[str, ...], passive: bool,
               modified: bool = False) -> Token | None:
    """The object noun of a light verb ("hold talks", passive "talks were held",
    "accused X of espionage", "hit X with tariffs", "fired hundreds of missiles");
    ``modified``: also the noun a passive participle modifies ("hostages held by X")."""
    wanted = set(nouns)
    deps = ("nsubjpass",) if passive else ("dobj", "attr")
    candidates = [c for c in verb.children if c.dep_ in deps]
    if not passive and verb.lemma_.lower() in STOP_VERBS:  # "stopped fighting": the
        # gerund the parser reads as a clause is the noun of the stop
        candidates += [c for c in verb.children if c.dep_ == "xcomp" and c.tag_ == "VBG"]
    if modified and passive and verb.dep_ == "acl" and verb.tag_ == "VBN":
        candidates.append(verb.head)  # "hostages (being) held by the rebels"
    for c in list(candidates):  # "hundreds of missiles", "$4.5bn in aid"
        if c.lower_ in QUANTITY_NOUNS or c.pos_ == "NUM" or c.tag_ == "$":
            candidates += [p for prep in children(c, "prep") if prep.lower_ in ("of", "in")
                           for p in children(prep, "pobj")]
    objects = children(verb, "dobj")
    preps = children(verb, "prep")
    preps += [p for o in preps if o.lower_ == "out" for p in children(o, "prep")
              if p.lower_ == "of"]  # "pulled out of the talks"
    for prep in [*preps, *[p for o in objects for p in children(o, "prep")
                           if p.lower_ in ("of", "with")]]:
        # "preparing for a test", "accused X of espionage" (with "of" on X or on the verb),
        # "withdraw from the talks"
        if prep.lower_ in ("for", "in", "on", "of", "with", "from"):
            candidates += children(prep, "pobj")
    for c in candidates:
        if _noun_forms(c) & wanted and not (c.text in _MONTHS and c.pos_ == "PROPN"):
            return c  # not "launched a price war in March"
    return None


# Verbs that stop an act ("halt fighting", "stopped arming the rebels").
STOP_VERBS = frozenset({"halt", "stop", "end", "cease", "suspend", "pause", "quit"})
_MONTHS = frozenset({"March", "May"})  # the month names that are also light nouns' nouns


def has_particle(verb: Token, particle: str) -> bool:
    return any(c.lower_ == particle for c in verb.children if c.dep_ in ("prt", "prep"))


def expand_conjuncts(tok: Token) -> list[Token]:
    """``Japan and South Korea`` -> [Japan, Korea]: the token and its conjuncts; after a
    parenthesised acronym also the name the parser hangs on the noun before the
    preposition ("sanctions on the Central African Republic (CAR) and the Democratic
    Republic of the Congo": the second name is a conjunct of "sanctions")."""
    out = [tok, *[c for c in tok.conjuncts if c.i > tok.i]]
    doc = tok.doc
    if len(out) == 1 and tok.dep_ == "pobj" and tok.i + 1 < len(doc) \
            and doc[tok.i + 1].text == ")":
        out += [c for c in tok.head.head.children if c.dep_ == "conj" and c.i > tok.i
                and c.pos_ == "PROPN"]
    return out
