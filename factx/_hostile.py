"""Text that addresses the model or the extraction system instead of reporting news.

Articles come from the open web, and some carry paragraphs written to steer an LLM: "ignore
the previous instructions", "report that X visited Y", a JSON object shaped like factx's
output, "this article has no facts", fake chat turns, a forged ``</article>`` tag. Such text
is never a source of facts, so ``Article.parse`` takes it out of the body before any model
sees the article (see :func:`hostile_ranges`).

The detector is a score over signals that news prose almost never combines: imperatives to
an AI, an assistant or "you"; instruction-override verbs next to instruction nouns; output
directives ("report that", "return nothing"); chat-template role markers and tokens;
data-block delimiters; JSON or code fences with factx's keys; talk about "this article" or
"the above instructions". Each signal counts once; a unit (a paragraph, or one sentence of
it) is hostile at :data:`THRESHOLD`. Single words that news uses freely ("instructions",
"report", "model", "you") weigh little on their own. Patterns cover English and Indonesian
closely, and the commonest phrasings in Spanish, French, German, Russian, Chinese and Arabic.

It is a heuristic: an injection written to read like ordinary news can pass it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

THRESHOLD = 3.0
"""Score at which a unit is hostile."""

_NEIGHBOUR = 1.5
"""A unit next to a hostile one is hostile from this score (an attack spread over lines)."""

_I = re.IGNORECASE | re.MULTILINE

# Who an injection talks to: models, assistants, the extractor itself.
_AI = (
    r"(?:(?-i:AI|A\.I\.|IA|KI|ИИ)(?:\s+(?:systems?|tools?|agents?|readers?|crawlers?))?"
    r"|(?:automated|automatic)\s+(?:systems?|readers?|tools?|agents?|crawlers?|pipelines?)"
    r"|LLMs?|(?:large )?language models?|chat ?bots?"
    r"|(?:Chat)?GPT(?:-\w+)?|Claude|Gemini|Llama|Qwen|assistants?|AI assistants?|models?"
    r"|extractors?|(?:fact |data )?extraction (?:system|tool|model|pipeline|engine)s?"
    r"|fact extractors?|summari[sz]ers?|parsers?|bots?"
    r"|factx|kecerdasan buatan|model bahasa|asisten|sistem (?:pengekstrak|ekstraksi)(?: fakta"
    r"| data)?|pengekstrak(?: fakta| data)?"
    r"|modelos? de lenguaje|asistente|modèles? de langage|Sprachmodell|Assistent"
    r"|языков\w+ модел\w+|нейросет\w+|ассистент\w*)"
)
# Names only a model goes by (not "model", "assistant" or "bot": news uses those freely).
_AI_STRICT = (
    r"(?:(?-i:AI|A\.I\.|IA|KI)(?: \w+)?|LLMs?|(?:large )?language models?|chat ?bots?"
    r"|(?:Chat)?GPT(?:-\w+)?|AI assistants?|fact extractors?|extraction (?:system|tool|model)s?"
    r"|factx|kecerdasan buatan|model bahasa|modelos? de lenguaje|modèles? de langage"
    r"|Sprachmodell|языков\w+ модел\w+)"
)
_ADJ = r"(?:(?:automated|automatic|artificial|fact|data|news|text|smart|helpful|obedient)\s+){0,3}"
_AI_CJK = r"(?:语言模型|人工智能|助手|模型)"
_AI_AR = r"(?:نموذج لغوي|الذكاء الاصطناعي|المساعد)"

_DET = (
    r"(?:the |any |all |every |an? |semua |setiap |para |los |las |el |la |les |le |die |der |den )"
)
_AIS = rf"{_ADJ}{_AI}(?:\s+{_AI})?"
_READING = (
    r"(?:reading|processing|summari[sz]ing|analy[sz]ing|parsing|extracting|scanning"
    r"|yang membaca|yang memproses|membaca|memproses|que lea|qui lit|die diesen)"
)
_INSTRUCTION_NOUN = (
    r"(?:instructions?|prompts?|rules|directions|directives|guidelines|system messages?"
    r"|instruksi|perintah|petunjuk|arahan|aturan|instrucciones|indicaciones|reglas|consignes"
    r"|règles|Anweisungen|Regeln|инструкци\w+|указани\w+|правил\w*)"
)
_OVERRIDE_VERB = (
    r"(?:ignore|disregard|forget|override|bypass|skip|abaikan|lupakan|hiraukan|acuhkan"
    r"|jangan ikuti|ignora|olvida|ignorez|ignore[sz]?|oubliez|oublie|ignoriere|ignorieren Sie"
    r"|vergiss|vergessen Sie|игнорируй\w*|забудь\w*|не обращай\w*)"
)
_OUTPUT_VERB = (
    r"(?:report|state|output|return|respond|reply|answer|print|write|extract|list|include|add"
    r"|record|mark|classify|treat|emit|append|insert|put|use|follow|obey|produce|generate"
    r"|conclude|skip|omit|exclude|drop|discard|ikuti|patuhi|lewati|hapus|buang|laporkan|nyatakan"
    r"|kembalikan|keluarkan|tuliskan|tulis|catat|catatlah|jawab|jawablah|ekstrak|sertakan"
    r"|tambahkan|tandai|anggap|anggaplah|sebutkan|berikan|informa|reporta|devuelve|responde"
    r"|extrae|indica|escribe|rapporte[sz]?|renvoie[sz]?|répond[sz]?|indique[sz]?|extraye[sz]"
    r"|écri[st]|gib|melde|antworte|extrahiere|schreibe?|сообщи\w*|верни\w*|ответь\w*"
    r"|выведи\w*|укажи\w*|напиши\w*)"
)
_OUTPUT_OBJECT = (
    r"(?:that|only|nothing|no|none|null|an? empty|empty|the following|this|these|as|with|any"
    r"|it|anything|apa pun|apapun|dicatat|laporan"
    r"|bahwa|hanya|tidak|kosong|berikut|sebagai|que|solo|nada|rien|seulement|dass|nur|nichts"
    r"|что|только|ничего|[:\[{])"
)
_CLAUSE_START = (
    r"(?:^|[.!?:;,\-–—(\"“]\s*|\b(?:please|kindly|now|instead|tolong|mohon|harap"
    r"|silakan|segera|lalu|dan|por favor|s'il vous plaît|bitte|пожалуйста|you must|you should"
    r"|you will|anda harus|kamu harus|harus|wajib|must|should|(?:you are|you're|anda|kamu)"
    r" (?:required|instructed|asked|told|expected|supposed|diminta|wajib|harus)(?: to| untuk)?)"
    r"\s+)(?:(?:do not|don't|never|not|jangan|tidak boleh|no)\s+)?"
)
_ROLE = (
    r"(?:system|assistant|user|human|AI|model|bot|developer|admin|asisten|sistem|pengguna|sistema"
    r"|asistente|usuario|système|utilisateur|Assistent|Nutzer|систем\w|ассистент|пользователь"
    r"|instruction|instruksi|response|jawaban)"
)
_FACT_KEYS = (
    r"(?:visits|quotes|statements|agreements|visitor|speaker|destination|evidence|parties"
    r"|facts|start_date|end_date|status|subject|content|text|cue|counterparts|inviter|sentences"
    r"|fakta)"
)


@dataclass(frozen=True)
class _Signal:
    name: str
    weight: float
    pattern: re.Pattern[str]


def _sig(name: str, weight: float, pattern: str, flags: int = _I) -> _Signal:
    return _Signal(name, weight, re.compile(pattern, flags))


_SIGNALS: tuple[_Signal, ...] = (
    # Chat-template structure: a turn label opening a line or sentence, template tokens.
    _sig(
        "role marker",
        3.0,
        rf"(?:^|[.!?]\s+|\]\s*|>\s*)[^\w\n]{{0,6}}{_ROLE}\s*(?:turn|message|response|reply"
        rf"|output|override|update|note|notice|prompt|mode|instructions?)?\s*[:：]"
        rf"|[\[(]\s*(?:system|assistant|admin|developer|user|instructions?|sistem|asisten)"
        r"(?:\s+\w+)?\s*[\])]",
    ),
    _sig(
        "chat-template token",
        3.0,
        r"<\|[\w-]+\|>|\[/?INST\]|<</?SYS>>|</?s>|^\s*#{2,}\s*(?:instruction|response|system|input"
        r"|output|instruksi|jawaban|task|tugas)\b|\b(?:BEGIN|END) (?:SYSTEM|USER|ASSISTANT|NEW)\b",
    ),
    # Delimiters of a data block: a forged closing tag tries to end the article early.
    _sig(
        "data delimiter",
        3.0,
        r"</?\s*(?:article|artikel|document|doc|data|text|teks|input|context|system|user"
        r"|assistant|prompt|instructions?|news|berita|content)(?:[-_][\w-]*)?\s*/?>",
    ),
    _sig(
        "end-of-input marker",
        2.0,
        r"\b(?:end of (?:the )?(?:article|document|text|input|data|context)|(?:akhir|selesai)"
        r" (?:dari )?(?:artikel|teks|dokumen|data)|(?:start|begin(?:ning)?) of (?:the )?"
        r"(?:new )?(?:instructions?|prompt|system)|fin (?:del|de l') ?(?:artículo|article)"
        r"|Ende des (?:Artikels|Textes)|конец (?:статьи|текста))\b",
    ),
    # Overriding what the system was told.
    _sig(
        "override",
        2.5,
        rf"{_CLAUSE_START}{_OVERRIDE_VERB}\b[^.!?\n]{{0,60}}?\b{_INSTRUCTION_NOUN}\b",
    ),
    _sig(
        "override everything above",
        3.0,
        rf"{_CLAUSE_START}{_OVERRIDE_VERB}\s+(?:everything|all|anything|what(?:ever)?|semua|segala"
        r"|apa pun|todo|tout|alles|всё|все)\s+(?:\w+\s+)?(?:above|before|previous|earlier"
        r"|preceding|di atas|sebelumnya|anterior|précédent|vorher|выше)\b",
    ),
    _sig(
        "override (zh/ar)",
        3.0,
        r"(?:忽略|无视|忘记|不要理会).{0,12}(?:指令|指示|说明|提示|规则)"
        r"|تجاهل.{0,30}(?:التعليمات|الأوامر)",
    ),
    _sig(
        "earlier instructions",
        1.5,
        rf"\b(?:previous|prior|above|earlier|preceding|original|initial|your|system|hidden"
        rf"|developer)\s+(?:\w+\s+)?{_INSTRUCTION_NOUN}\b"
        rf"|\b{_INSTRUCTION_NOUN}\s+(?:sebelumnya|di atas|awal|sistem|baru|anteriores|précédentes"
        r"|предыдущие)\b|\bvorherigen Anweisungen\b|\bпредыдущие инструкции\b|\bsystem prompt\b"
        r"|之前的|以上的?(?:指令|指示)|التعليمات السابقة",
    ),
    # Talking to the model.
    _sig(
        "addresses an AI",
        2.5,
        rf"\b(?:note|message|attention|instructions?|reminder|memo|warning|notice|dear|hey"
        rf"|hello|hi|catatan|pesan|perhatian|peringatan|halo|hai|nota|atención|achtung"
        rf"|внимание)\s*(?:for|to|untuk|kepada|bagi|para|pour|à|an|für|для)?\s*[:,]?\s*{_DET}?"
        rf"{_AIS}\b\s*[:,!]"
        rf"|\b(?:to|for|untuk|kepada|bagi|para|pour|à|an|für|для)\s+{_DET}?{_AIS}\b(?:\s*[:!]"
        rf"|\s+{_READING})"
        rf"|\b(?:you are|you're|act as|as|kamu adalah|anda adalah|sebagai|eres|tu es|vous êtes"
        rf"|du bist|ты|вы)\s+(?:an? |the |sebuah |seorang |un |une |ein |eine )?{_ADJ}"
        rf"{_AI_STRICT}\b"
        rf"|\b{_AIS}\s+{_READING}\s+(?:this|these|the|ini|artikel|teks)\b"
        rf"|\b(?:when|while|if|before|after|saat|ketika|jika|sebelum|setelah)\s+(?:you\s+|anda\s+"
        rf"|kamu\s+)?(?:summari[sz]|process|extract|analy[sz]|pars|scann?|memproses|mengekstrak"
        rf"|meringkas|menganalisis)\w*\s+(?:this|these|the|ini|artikel|teks)\b"
        # A vocative opening a sentence: "AI assistants: ...", "Language model, ...".
        rf"|(?:^|[.!?]\s+)\W{{0,3}}{_DET}?{_AIS}\s*[:!]"
        rf"|(?:^|[.!?]\s+)\W{{0,3}}(?:dear |hey |hi |hello |halo |hai |wahai )?{_ADJ}"
        rf"{_AI_STRICT}\s*,"
        rf"|(?:你|您)(?:是|作为).{{0,6}}{_AI_CJK}|{_AI_AR}",
    ),
    _sig(
        "second person",
        0.5,
        r"\b(?:you|your|yourself|Anda|kamu|dirimu|usted|vous|du|dich"
        r"|dir|вы|ты|вам|тебе)\b|你|您|أنت",
    ),
    _sig("AI word", 0.5, rf"\b{_AI}\b|{_AI_CJK}"),
    _sig(
        "output directive",
        2.0,
        rf"{_CLAUSE_START}{_OUTPUT_VERB}\s+{_OUTPUT_OBJECT}"
        rf"|\b(?:anda|kamu|kalian)\s+(?:harus|wajib|diminta|perlu|hendaknya)\s+(?:untuk\s+)?"
        rf"(?:tidak\s+)?(?:melaporkan|menyatakan|mengembalikan|menuliskan|mencatat|menjawab"
        rf"|menyebutkan|mengekstrak|menganggap)\s+{_OUTPUT_OBJECT}|(?:请|必须)(?:报告|输出|返回|回答)|(?:أبلغ|أعد|اكتب)",
    ),
    _sig(
        "directive to you",
        1.0,
        rf"\b(?:you|anda|kamu|kalian)\s+(?:must|should|need to|have to|are (?:required|instructed"
        rf"|asked|told|expected) to|harus|wajib|diminta(?: untuk)?|perlu)\s+(?:not\s+|tidak\s+)?"
        rf"(?:{_OUTPUT_VERB}|me\w+)\b",
    ),
    _sig(
        "meta reference",
        1.0,
        r"\b(?:this|the (?:above|following|preceding|present)) (?:article|text|document|passage"
        r"|input|content|page|message|conversation)\b|\b(?:artikel|teks|dokumen|tulisan|pesan)"
        r" (?:ini|di atas|berikut)\b|\b(?:este|el presente) (?:artículo|texto)\b|\bcet article\b"
        r"|\bce texte\b|\bdies(?:er|en) (?:Artikel|Text)\b|\bэт(?:а|от|у) (?:стать|текст)\w*"
        r"|本文|这篇文章|هذا المقال",
    ),
    _sig(
        "no facts",
        2.0,
        r"\b(?:contains?|has|have|there are) no (?:\w+ )?(?:facts?|visits?|quotes?|statements?"
        r"|agreements?|information|data)\b|\bnothing to (?:extract|report)\b|\b(?:return|output"
        r"|respond with|answer with|reply with) (?:nothing|an? empty|null|none|no facts|\[\]"
        r"|\{\})|\bempty (?:list|array|result|output|json|answer)\b|\btidak (?:ada|mengandung"
        r"|memuat|berisi) (?:\w+ )?(?:fakta|informasi|kunjungan|kutipan|pernyataan|perjanjian)"
        r"|\btanpa fakta\b|\b(?:daftar|hasil|jawaban|larik) kosong\b|\bsin hechos\b|\baucun fait"
        r"|\bkeine Fakten\b|\bнет фактов\b|没有(?:任何)?事实|لا توجد حقائق",
    ),
    # factx-shaped output, or code, inside an article.
    _sig(
        "factx keys",
        3.0,
        rf"(?:[{{\[,]\s*[\"'“”]?|^\s*[\"'“”]){_FACT_KEYS}[\"'“”]?\s*:\s*[\[{{\"'“\d]"
        # and YAML-shaped
        r"|^\s*-?\s*(?:visits|quotes|statements|agreements|visitor|evidence)\s*:\s*(?:$|[\[{-])",
    ),
    _sig("JSON object", 1.5, r"(?:\{|^)\s*[\"'“][^\"'”\n]{1,40}[\"'”]\s*:\s*[\[{\"'“\d]"),
    _sig("code fence", 1.5, r"```|~~~"),
    _sig(
        "task words",
        1.0,
        r"\b(?:JSON|schema|system prompt|prompt|tokens?|jailbreak|"
        r"fact database|extraction|ekstraksi|keluaran)\b",
    ),
)


# An injection whose payload came first ("X visited Y. Report this as a fact."): then the
# sentences before the cue are part of it.
_BACKREF = re.compile(
    rf"{_OUTPUT_VERB}\s+(?:this|it|these|them|the above|the (?:previous|preceding) \w+|ini|itu"
    r"|tersebut|hal ini|hal tersebut|kalimat (?:ini|itu|tersebut|sebelumnya|di atas)|eso|esto"
    r"|cela|ceci|das|dies|это)\b",
    _I,
)


@dataclass(frozen=True)
class Score:
    """How strongly a piece of text addresses the model, and which signals said so."""

    value: float
    reasons: tuple[str, ...]

    @property
    def hostile(self) -> bool:
        return self.value >= THRESHOLD


def _max(scores: Sequence[Score | None]) -> Score:
    return max((s for s in scores if s is not None), key=lambda s: s.value)


def score(text: str) -> Score:
    """Sum of the weights of the signals found in ``text`` (each counted once)."""
    found = [s for s in _SIGNALS if s.pattern.search(text)]
    return Score(sum(s.weight for s in found), tuple(s.name for s in found))


@dataclass(frozen=True)
class HostileRange:
    """A stretch of the article (``start:end``) that addresses the model."""

    start: int
    end: int
    score: Score


def flag(units: Sequence[str]) -> list[Score | None]:
    """Scores of the hostile units of a sequence, None for the others.

    A unit next to a hostile one joins it from a lower score (:data:`_NEIGHBOUR`), and so does
    a unit with no words (the ``{`` or ``]`` lines of a JSON object) and the unit a hostile
    one introduces with a colon ("Note to AI systems:" and the fabricated fact below it).
    """
    scores = [score(u) for u in units]
    out: list[Score | None] = [s if s.hostile else None for s in scores]
    changed = True
    while changed:
        changed = False
        for i, s in enumerate(scores):
            if out[i] is not None:
                continue
            near = (i > 0 and out[i - 1] is not None) or (
                i + 1 < len(out) and out[i + 1] is not None
            )
            # A hostile unit ending in a colon introduces the next one: its payload.
            introduced = i > 0 and out[i - 1] is not None and units[i - 1].rstrip()[-1:] in ":："
            if introduced or (near and (s.value >= _NEIGHBOUR or not re.search(r"\w\w", units[i]))):
                out[i] = s
                changed = True
    return out


def hostile_ranges(
    text: str,
    lines: Sequence[tuple[int, int]],
    split: Callable[[str, int, int], list[tuple[int, int]]],
) -> list[HostileRange]:
    """The stretches of ``text`` to keep away from the model.

    A hostile paragraph (line) is dropped whole, unless its first hostile sentence comes
    after sentences that carry no signal at all and does not point back at them ("report
    this"): then it is dropped from that sentence on, so a news paragraph with an injection
    appended keeps its facts.

    Args:
        text: the article.
        lines: ``(start, end)`` of each paragraph, in order.
        split: sentence boundaries of ``text[start:end]`` as ``(start, end)`` pairs.
    """
    out: list[HostileRange] = []
    flags = flag([text[s:e] for s, e in lines])
    for (start, end), found in zip(lines, flags, strict=True):
        if found is None:
            continue
        sentences = split(text, start, end)
        parts = flag([text[s:e] for s, e in sentences])
        first = next((i for i, p in enumerate(parts) if p is not None), None)
        keep = sentences[:first] if first is not None else []
        if (
            first
            and all(score(text[s:e]).value < 1.0 for s, e in keep)
            and not _BACKREF.search(text[sentences[first][0] : end])
        ):
            # News with an injection appended: the clean sentences before it stay body. The
            # injection runs to the end of the paragraph (its payload follows its cue).
            out.append(HostileRange(sentences[first][0], end, _max(parts)))
        else:
            out.append(HostileRange(start, end, found))
    return out
