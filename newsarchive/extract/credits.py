"""Photo credits: recognize them, split them off captions, strip their labels.

Stable API (the body extractor calls `is_credit` to keep credit lines out of the text):

    split_credit("Putin on a call. Photo: Sputnik via AP") -> ("Putin on a call.", "Sputnik via AP")
    is_credit("Фото: Reuters") -> True ; is_credit("He said the photo was fake.") -> False
    strip_credit_label("© Getty Images") -> "Getty Images"

Credits are stored as shown minus the label ("Photo:", "Фото:", "Credit:", "©").
"""

from __future__ import annotations

import re

# Words that introduce a credit, in many languages. "Photo by X" and "Photo: X" both count.
CREDIT_LABELS = (
    r"(?:image|photo|picture|video) ?credits?|"
    r"photos?|photograph(?:y|er)?|picture|pic|image|img|illustration|video|credit|credits|"
    r"source|courtesy(?: of)?|copyright|graphic|graphics|"
    r"фота|фото|фотография|фотограф|источник|крыніца|ілюстрацыя|иллюстрация|"
    r"фото і відео|фото й відео|світлина|"
    r"foto|fotos|fotograf[íi]a|fotografie|fotografia|bild|bilder|quelle|bildquelle|"
    r"symbolbild|symbolfoto|titelbild|archivbild|archivfoto|"
    r"cr[ée]dit(?:s)?(?: photo)?|source photo|zdj[eę]cie|fot\.|źródło|"
    r"kuva|billede|bildkälla|fuente|imagen|immagine|cr[ée]ditos?|photo ?credits?|fotocredits?"
)
# "Photo: X", "Photo by X", "Фото - X", "Crédit : X"
_LABEL_RE = re.compile(
    rf"^\s*[(\[]?\s*(?:{CREDIT_LABELS})\s*(?::|：|-|–|—|/|©|\bby\b|\bvia\b|\bvon\b|\bde\b|\bpar\b"
    rf"|(?<=\.))\s*"
    rf"|^\s*[(\[]?\s*(?:photo ?credits?|fotocredits?|bildnachweis)\s+",  # no separator needed
    re.I,
)
_COPY_RE = re.compile(r"^\s*(?:©|\(c\)|copyright\b)\s*:?\s*", re.I)

# Agencies and photo services whose bare name (or "Name/Agency") marks a credit.
AGENCIES = (
    r"AP|AFP|Reuters|Getty Images|Getty|EPA|EPA-EFE|EFE|dpa|DPA|ANSA|Xinhua|TASS|ТАСС|"
    r"РИА Новости|RIA Novosti|Sputnik|Спутник|Shutterstock|iStock|iStockphoto|Alamy|"
    r"Bloomberg|Imago|IMAGO|picture alliance|picture-alliance|Keystone|PA|PA Images|"
    r"GettyImages|ShutterStock|Shutterstock\.com|AdobeStock|Adobe Stock|stock\.adobe\.com|"
    r"PA Wire|Zuma|ZUMA Press|SIPA|Sipa|NurPhoto|Anadolu|Pixabay|Unsplash|Wikimedia Commons|"
    r"Wikipedia|Belga|Ritzau|NTB|TT|Lehtikuva|ANP|APA|KEYSTONE|Kyodo|Yonhap|Newscom|"
    r"Corbis|Rex Features|REX|Rex|WENN|Press Association|Associated Press|BELTA|БелТА|"
    r"Kremlin Pool|Pool|UPI|Agencja Gazeta|PAP|East News|ČTK|CTK|Ukrinform|УНИАН|UNIAN"
)
_AGENCY_RE = re.compile(rf"(?<![\w-])(?:{AGENCIES})(?![\w-])")

# "(AP Photo/Evan Vucci)", "(Photo: X)", "[Foto: X]" at the end of a caption
_PAREN_TAIL = re.compile(
    rf"\s*[(\[]\s*((?:[\w .'-]+ )?(?:photo|foto|фото|фота|bild)\b[^()\[\]]*"
    rf"|(?:{CREDIT_LABELS})\s*[:/][^()\[\]]*|©[^()\[\]]*"
    rf"|[^()\[\]]*/\s*(?:{AGENCIES})[^()\[\]]*|(?:{AGENCIES})"
    rf"|[A-Z][\w.'-]*(?: [\w.'-]+){{0,3}}\s*/\s*[A-Z][\w.'&-]*(?: [\w.'&-]+){{0,4}})"
    rf"\s*[)\]]\s*$",
    re.I,
)
# A labelled credit that follows caption text: "... Maduro. Photo: Sputnik", "... Фото: БелТА"
_LABEL_TAIL = re.compile(
    rf"(?:(?<=[\s.!?;,|–—-])|^)(?:(?:{CREDIT_LABELS})\s*(?::|：|©|\bby\b|\bvia\b|\bvon\b)|©|\(c\))\s*"
    rf"(?P<credit>[^\n]{{2,160}})$",
    re.I,
)
_WORD = r"(?:\w\.|[\w'-]+)"  # a name word or an initial ("J.")
# "Name / Reuters", "Name/Getty Images": a short name list with a slash and an agency
_SLASH_CREDIT = re.compile(
    rf"^(?:{_WORD} ){{0,2}}{_WORD}\s*/\s*(?:{_WORD} ){{0,3}}(?:{AGENCIES})(?: {_WORD}){{0,2}}$"
)
_CAPTION_SLASH = re.compile(rf"^(?P<cap>.+?)\s+[/|]\s+(?P<credit>(?:{_WORD} ){{0,3}}(?:{AGENCIES})"
                            rf"(?:\s*/\s*[\w .'-]+)?)\s*$")
# Where a picture came from, not who holds its rights: "File", "Archivo", "Handout", "Stock",
# "privat", "Supplied", "zvg" (zur Verfügung gestellt), "Cedida", "Foto beigestellt". Alone they
# are no credit; an agency beside them is ("File photo: AP", "(AP Photo/John Doe, File)").
_ORIGIN = (r"file|file photo|file picture|file image|archive|archives|archiv|archivo|archivio|"
           r"archivbild|archivfoto|foto de archivo|imagen de archivo|photo d'archives?|"
           r"archivo particular|handout|handout photo|stock|stock photo|stock image|stock picture|"
           r"symbolbild|symbolfoto|privat|supplied|cedida|beigestellt|foto beigestellt|zvg")
# "File photo" conventions: the picture comes from the paper's archive ("... Guatemala. Archivo.")
_ARCHIVE = re.compile(rf"[(\[]?\s*(?:{_ORIGIN})\s*[)\]]?\s*\.?", re.I)
_ORIGIN_HEAD = re.compile(rf"^(?:{_ORIGIN})\s*(?::|/|\||,|–|—|\s-)\s*", re.I)  # "Archivo/Soy502"
_ORIGIN_TAIL = re.compile(  # "John Doe, File", "Markus Scholz/dpa/Archivbild", "X (Symbolbild)"
    rf"\s*(?:[,/|]\s*(?:{_ORIGIN})|[(\[]\s*(?:{_ORIGIN}|copyright)\s*[)\]])\s*$", re.I)
# "Photo by X" minus its label, in other languages: "By U.S. Customs", "Por Felipe Morales"
_BY = re.compile(r"^(?:by|por|par)\s+(?=\S)", re.I)
_LEADING_LABEL = re.compile(r"^(?i:foto|photo|bild)\s+(?=[A-ZÀ-ÞА-Я])")  # "Foto Steven V."
# an empty label template: "Datum: Autor: Quelle"
_LABELS_ONLY = re.compile(r"(?:[^\W\d_]+\s*:\s*){2,}[^\W\d_]*")
# A caption's last sentence "Foto Sergey Rraikin via Unsplash": label, space, capitalised names
_BARE_LABEL_TAIL = re.compile(
    r"(?i:foto|photo|bild|fotos|photos)\s+(?=[A-ZÀ-ÞА-Я])(?:[\w'&-]+\.?\s*){1,6}")
# A media-type prefix says what the item is, not whose it is: "VIDEO: Voting on NYCHA's Future",
# "Symbolbild: Homosexuelle Schauspieler", "Galerie: ...", "Live: ...". What follows is the
# item's title unless it names a holder by itself ("Symbolbild: dpa", "Video: © X").
_MEDIA_LABEL = re.compile(
    r"^\s*[(\[]?\s*(?:videos?|symbolbild|symbolfoto|archivbild|archivfoto|galerie|bildergalerie|"
    r"fotogalerie|gallery|photo gallery|live)\s*[:：|]\s*", re.I)
# Lower-case words that belong in a name or an origin ("Office of the President", "Ludwig van
# Beethoven", "courtesy of the family"): not evidence of a sentence
_NAME_PARTICLES = frozenset(
    "of the and und & y e et for by via von van de da di del della du des der den la le zu ter "
    "ten dos courtesy".split())
# Sentence boundaries: the credit is often the caption's last "sentence"
_SENTENCE_END = re.compile(r"(?<!\b\w\.)(?<=[.!?])\s+(?=\S)")


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def strip_credit_label(text: str) -> str:
    """'Photo: X' / 'Фото - X' / '© X' / 'Photo by X' -> 'X'. Text without a label is kept."""
    text = _clean(text)
    inner = text
    if len(inner) > 2 and inner[0] in "([" and inner[-1] in ")]":
        inner = inner[1:-1].strip()
    for _ in range(2):  # "Photo: © X"
        new = _COPY_RE.sub("", _LABEL_RE.sub("", inner, count=1), count=1)
        if new == inner:
            break
        inner = new
    inner = inner.strip(" :-–—|/")
    return inner or text


def _looks_like_name_list(text: str) -> bool:
    """Short, no sentence verbs: 'John Smith / Reuters', 'Sputnik, Kremlin Pool Photo via AP'."""
    words = text.split()
    return 0 < len(words) <= 12 and not re.search(r"(?<!\b\w)[.!?]\s+\S", text) \
        and not _sentence(words)


def _names_holder(text: str) -> bool:
    """Evidence of a rights holder on its own: an agency, a credit label, '©'."""
    return bool(_AGENCY_RE.search(text) or _LABEL_RE.match(text) or _COPY_RE.match(text))


def _sentence(words: list[str]) -> bool:
    """A sentence rather than names ("Police at the scene of the crash", "Polizei sichert den
    Tatort"): half its words or more start lower-case, two of them no name particle, and
    nothing in it names a holder."""
    if len(words) < 4:
        return False
    low = [w for w in words if w[0].islower()]
    if 2 * len(low) < len(words):
        return False
    if sum(w.lower() not in _NAME_PARTICLES for w in low) < 2:
        return False
    text = " ".join(words)
    return not (_names_holder(text) or "/" in text or "@" in text)


def _media_title(text: str) -> bool:
    """'VIDEO: Voting on NYCHA's Future', 'Symbolbild: Polizei': a media-type prefix before a
    title, which names no holder (unlike 'Symbolbild: dpa' or 'Video: © X')."""
    m = _MEDIA_LABEL.match(text)
    return m is not None and not _names_holder(text[m.end():])


def is_credit(text: str) -> bool:
    """True for a line that is only a credit: 'Photo: X', '© X', '(AP Photo/X)', 'X / Reuters',
    'Getty Images', 'Фота: X'. Sentences that merely mention a photo are not credits."""
    text = _clean(text)
    if not text or len(text) > 200:
        return False
    if _media_title(text):
        return False
    if _COPY_RE.match(text) or _LABEL_RE.match(text):
        rest = strip_credit_label(text)
        return bool(rest) and rest != text and _looks_like_name_list(rest)
    if _PAREN_TAIL.fullmatch(text):
        return True
    stripped = text.strip(" .")
    if _AGENCY_RE.fullmatch(stripped):
        return True
    return "/" in stripped and bool(_SLASH_CREDIT.match(stripped))


def split_credit(text: str) -> tuple[str | None, str | None]:
    """Caption text -> (caption without credit, credit without label); None for empty parts."""
    text = _clean(text)
    if not text:
        return None, None
    if is_credit(text):
        return None, strip_credit_label(text) or None
    m = _PAREN_TAIL.search(text)
    if m:
        caption = text[: m.start()].rstrip(" |–—-:,;")
        return (caption or None), strip_credit_label(m.group(1))
    # the last labelled credit whose remainder is a short name list
    for m in reversed(list(_LABEL_TAIL.finditer(text))):
        credit = strip_credit_label(m.group("credit"))
        if credit and _looks_like_name_list(credit) and not _media_title(m.group(0)):
            caption = _drop_origin(text[: m.start()].rstrip(" |–—-:,;"))
            return (caption or None), credit
    # the caption's last sentence is a bare credit: "... in Minsk. John Smith / Reuters"
    parts = _SENTENCE_END.split(text)
    if len(parts) > 1 and _BARE_LABEL_TAIL.fullmatch(parts[-1]):
        credit = parts[-1].split(None, 1)[1].rstrip(".")
        return " ".join(parts[:-1]).rstrip(" |–—-:,;") or None, credit
    if len(parts) > 1 and _ARCHIVE.fullmatch(parts[-1]):  # "... Guatemala. Archivo.": no holder
        return " ".join(parts[:-1]).rstrip(" |–—-:,;") or None, None
    if len(parts) > 1 and is_credit(parts[-1]):
        caption = " ".join(parts[:-1]).rstrip(" |–—-:,;")
        return (caption or None), strip_credit_label(parts[-1])
    # "Die Intensivstation in Dresden / picture alliance": a caption, a slash, an agency
    m = _CAPTION_SLASH.match(text)
    if m and len(m.group("cap").split()) > 3:
        return m.group("cap").strip(), m.group("credit").strip()
    # "caption | credit" or "caption — credit" with a credit-looking tail
    m = re.search(r"\s[|–—]\s(?P<credit>[^|–—]+)$", text)
    if m and is_credit(m.group("credit")):
        return text[: m.start()].strip() or None, strip_credit_label(m.group("credit"))
    return text, None


def _drop_origin(caption: str) -> str:
    """'Police at the scene. File' (from '... File photo: AP') -> 'Police at the scene.'"""
    parts = _SENTENCE_END.split(caption)
    if len(parts) > 1 and _ARCHIVE.fullmatch(parts[-1]):
        return " ".join(parts[:-1])
    return caption


def holder(credit: str | None) -> str | None:
    """The holder a found credit names, or None when it names none: labels, a leading "By",
    soft hyphens and origin markers ("File", "Archivo/", "/dpa/Archivbild", "privat") go;
    an empty label template ("Datum: Autor: Quelle") is no credit."""
    if not credit:
        return None
    text = strip_credit_label(credit.replace("\xad", "").replace("\u200b", ""))
    text = _LEADING_LABEL.sub("", _BY.sub("", text, count=1), count=1)
    if _LABELS_ONLY.fullmatch(text):
        return None
    for _ in range(2):  # "Archivo/Soy502", "AP Photo/John Doe, File", both ends
        text = _ORIGIN_TAIL.sub("", _ORIGIN_HEAD.sub("", text, count=1), count=1)
    text = text.strip(" :-–—|/,")
    return None if not text or _ARCHIVE.fullmatch(text) else text
