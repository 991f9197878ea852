"""Generic fallback selectors and label words, as named lists (cf. trafilatura's xpaths module).

Each list says where its entries come from. Site files override all of this; these run only when
a page has no site file or the site file does not name a field.
"""

from __future__ import annotations

import re

# --- metadata & body ---

# JSON-LD @types that describe the article itself (schema.org CreativeWork subtypes news sites
# use; WebPage last because sites put it beside the Article as a wrapper).
ARTICLE_TYPES = (
    "NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle", "AnalysisNewsArticle",
    "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "LiveBlogPosting",
    "ScholarlyArticle", "TechArticle", "Report", "SocialMediaPosting", "Review", "Recipe",
    "VideoObject", "WebPage", "ItemPage", "Event", "Product", "CreativeWork",
)

# Meta names carrying an author, most reliable first (Dublin Core, Parse.ly, Sailthru,
# Highwire/Google Scholar citation_*, plain "author" and "byl" as on nytimes-style pages).
AUTHOR_META = ("article:author", "author", "dc.creator", "dcterms.creator", "parsely-author",
               "sailthru.author", "citation_author", "byl", "dc.creator.personalname",
               "twitter:creator:name", "cxenseparse:author", "og:article:author")
PUBLISHED_META = ("article:published_time", "og:article:published_time",
                  "article:published", "published_time", "datepublished", "pubdate",
                  "publishdate", "publish-date", "publish_date", "date", "dc.date",
                  "dc.date.issued", "dcterms.date", "dcterms.issued", "dcterms.created",
                  "dc.date.created", "parsely-pub-date", "sailthru.date", "citation_date",
                  "citation_publication_date", "article.published", "originalpublicationdate",
                  "date.available", "created", "article_date_original", "og:published_time",
                  "cxenseparse:recs:publishtime", "displaydate", "pub_date")
MODIFIED_META = ("article:modified_time", "og:updated_time", "og:article:modified_time",
                 "datemodified", "last-modified", "dc.date.modified", "dcterms.modified",
                 "modified", "article.updated", "lastmod", "revised")
SECTION_META = ("article:section", "og:article:section", "parsely-section", "section",
                "sailthru.section", "dc.subject", "category", "cxenseparse:articlesection")
TAGS_META = ("article:tag", "og:article:tag", "news_keywords", "parsely-tags", "sailthru.tags",
             "keywords")

# Words that introduce a byline: "By Jane Doe", "Von Max Muster", "Posted by X", "Автор: ...".
BYLINE_WORDS = ("by", "von", "por", "par", "door", "av", "di", "posted by", "written by",
                "text", "text von", "texto", "interview", "autor", "autorin", "author", "auteur",
                "eingestellt von", "geschrieben von", "автор", "аўтар")
_BYLINE_STARTS = ("By ", "by ", "BY ", "Von ", "von ", "VON ", "Posted by ", "Written by ",
                  "Autor:", "Autorin:", "Text:", "Text von ", "Interview:", "Por ", "Par ",
                  "Door ", "Av ", "Di ", "Eingestellt von ", "Geschrieben von ", "Author:",
                  "Автор:", "Аўтар:")
# Text that opens with a byline word, or is only the word (the name in the next element).
BYLINE_START = re.compile(
    r"\s*(?:" + "|".join(re.escape(w) for w in _BYLINE_STARTS)
    + r"|(?:By|BY|by|Von|VON|von|Por|Par|Door|Autor:|Author:|Text:)\s*$)")
# "By", "Von", "Par", "Por", "Автор" ... in front of a name.
BY_PREFIX = re.compile(
    r"^\s*(?:written\s+by|posted\s+by|post\s+author\s+by|post\s+author|story\s+by|"
    r"words\s+by|text\s+(?:by|von)|reported\s+by|eingestellt\s+von|geschrieben\s+von|"
    r"verfasst\s+von|publicado\s+por|escrito\s+por|écrit\s+par|interview(?:\s+von)?|"
    r"by|von|vom|par|por|di|da|"
    r"door|av|af|przez|od|autor(?:in)?|auteur|author|autore|автор|аўтар|text|texte|texto|"
    r"tekst|bericht)(?:\s*[:|]\s*|\s+)",
    re.I)
# What ends a byline: dates, "updated", "all articles", "says" (comment headers).
AUTHOR_STOP = re.compile(
    r"\s*(?:[|•·–—]\s*)?\b(?:updated|published|posted|publicado|publié|veröffentlicht|"
    r"aktualisiert|hace|il y a|vor\s+\d+|(?:am|on|le|el|il|de)\s+\d+|\d{1,2}[./]\d{1,2}[./]\d{2,4}|"
    r"\d{4}-\d\d-\d\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d+|"
    r"\d{1,2}\.?\s+(?:jan|feb|mär|mar|apr|mai|may|jun|jul|aug|sep|okt|oct|nov|dez|dec)|"
    r"alle artikel|all posts|more articles|weitere artikel|mehr artikel|view all|ver todos|"
    r"says|sagt|said|schreibt|dice|dit|illustrat\w*|fotos?|photos?|bilder?|"
    r"(?<!on )(?:mon|tues|wednes|thurs|fri|satur|sun)day|"  # not "Mail on Sunday"
    r"(?:am\s+)?(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|"
    r"viernes|sábado|domingo)\b.*$|"
    r"\s+(?:on|under|at|in|um|am)\s*$|\s+(?-i:Mo|Di|Mi|Do|Fr|Sa|So)\.?$",
    re.I)
NOT_A_NAME = re.compile(
    r"^(?:admin|administrator|editor|editors|staff|guest|gast|user|anonymous|anonym|unknown|"
    r"none|null|home|news|more|mehr|read more|weiterlesen|posted|publicado|share|teilen|"
    r"author|autor|by|von|wordpressadmin|webmaster|afficher mon profil complet|text|"
    r"über den autor|about the author|no author|autor/in|autorin|kontakt|contact|publiziert|"
    r"por|par|de|von|redakteur|redakteurin|registrieren|register|log ?in|log|log ?out|"
    r"sign ?in|sign ?up|anmelden|abmelden|mein konto|my account|profil|profile|datum|date)$|@|"
    r"https?://|www\.|\.(?:com|de|org|net)$",
    re.I)
# Person-role suffixes removed from a name: "Jane Doe, Staff Writer".
ROLE_WORDS = re.compile(
    r"\b(?:staff|senior|chief|contributing|special|guest|freelance|political|business|"
    r"sports?|science|foreign|editor|writer|reporter|correspondent|columnist|journalist|"
    r"redakteur(?:in)?|korrespondent(?:in)?|journalistin|autorin|photographer|fotograf)\b",
    re.I)

# Class/id fragments of blocks that are never article text (captions and credits, share and
# subscribe bars, author boxes, related lists, ads). Matched on whole class tokens' substrings.
BOILERPLATE_CLASS = re.compile(
    r"caption|credit|copyright|share|sharing|social|newsletter|subscri|paywall|related|"
    r"recommend|read-?more|readmore|more-?articles|teaser-?list|promo|advert|\bads?\b|"
    r"ad-?slot|adslot|sponsor|author-?bio|author-?box|about-?author|byline|breadcrumb|"
    r"comment|disqus|tags?-?list|post-?tags|\btags\b|signup|sign-up|cookie|consent|"
    r"\bmeta\b|post-?meta|entry-?meta|article-?meta|toolbar|print|rating|"
    r"also-?read|further-?reading|trending|popular|most-?read|widget|sidebar|footer|"
    r"fact-?box|info-?box|disclosure|disclaimer|\bauthor\b|\bautor\b|autor-?box|"
    r"mw-editsection",  # MediaWiki's "[edit]" links in headings
    re.I)
# Class/id fragments of the element holding the article text (WordPress entry-content, common
# CMS and theme names; cf. trafilatura's BODY_XPATH): such a container scores higher.
CONTENT_CLASS = re.compile(
    r"article[-_]?(?:body|content|text)|articlebody|entry[-_]?(?:content|body)|"
    r"post[-_]?(?:body|content|text|entry)|story[-_]?(?:body|content|text)|body[-_]?text|"
    r"text[-_]?content|field[-_]?(?:name[-_]?)?body|content[-_]?(?:body|main)|main[-_]?content|"
    r"rich[-_]?text|single[-_]?content|blog[-_]?content|wysiwyg|article__content|"
    r"mw-parser-output|mw-content-text",  # MediaWiki (Wikipedia, Fandom and other wikis)
    re.I)
# Lines dropped from the extracted text: photo credits and captions in text form.
CREDIT_LINE = re.compile(
    r"^\s*(?:\(?\s*(?:photo|foto|fotos|photos|фото|фота|bild|image|picture|credit|"
    r"credits|source|quelle|fuente|crédito|créditos|illustration|grafik|titelbild|"
    r"beitragsbild|image illustrative|imagen|video|(?:abbildung|abb\.|figure|fig\.)"
    r"(?:\s*\d+)?)\s*:|vergrößern\s|©|\(c\)\s|copyright\b|"
    r"(?:aktualisiert|updated|actualizado|mis à jour)(?: am| on| le| el)?\s*:?\s*\d|"
    r"\((?:ap|afp|reuters|epa|dpa|getty)[ /][^)]*\)\s*$)",
    re.I)
# Lines that introduce links to other content, subscribe prompts and share calls; a line
# matching one of these is dropped (they never carry article text on their own).
PROMO_LINE = re.compile(
    r"^\s*(?:(?:lesen|lies|sehen|hören)\s+sie\s+(?:auch|hier|mehr)|lesen sie auch|"
    r"auch interessant|das könnte (?:sie|dich) (?:auch )?interessieren|mehr zum thema|"
    r"weitere (?:themen|artikel|beiträge|nachrichten|tourentipps)|"
    r"zum weiterlesen|schon gelesen|empfohlene beiträge|ähnliche (?:artikel|beiträge)|"
    r"read (?:more|also|next)|related(?: articles| stories| posts| content)?|"
    r"see also|more from|you (?:may|might) also like|recommended|"
    r"sign up|subscribe|follow us|follow .{1,40} on (?:twitter|facebook|instagram)|"
    r"share (?:this|on)|teilen mit|diesen artikel teilen|"
    r"à lire aussi|lire aussi|voir aussi|pour lire la suite|pour accéder|"
    r"lee también|leer también|le puede interesar|te puede interesar|puedes ver:|"
    r"vea también|ver también|mira:|mire:|notas relacionadas|contenido relacionado|"
    r"lees ook|leggi anche|czytaj (?:też|także|więcej)|zobacz (?:też|także)|"
    r"читайте (?:также|тоже)|чытайце таксама|подробнее|"
    r"dowiedz się więcej|czytaj więcej|mehr zu|más sobre|zurück zu[mr]?|back to|"
    r"siguenos|síguenos|únete|hazte miembro|suscríbete|abonnez-vous|jetzt abonnieren|"
    r"newsletter|anzeige\b|werbung\b|advertisement|publicidad)(?!\w)",
    re.I)
# Closing notices anywhere in a short line: disclaimers, republication notes, affiliate and
# advertising notes, app/channel/social pitches, "share this article", "buy the issue".
NOTICE_LINE = re.compile(
    r"gibt (?:die|nur die) meinung d\w+ (?:autor|verfasser)|meinung des autors wieder|"
    r"n'engagent que leurs? auteurs?|not (?:necessarily )?(?:responsible for|reflect) the "
    r"(?:opinions?|views?)|(?:views|opinions) expressed (?:here|in this)|"
    r"dieser (?:text|beitrag|artikel) (?:wurde|erschien) (?:zuerst |erstmals )?"
    r"(?:veröffentlicht|publiziert|in)|(?:beitrag|post|artikel) enthält (?:werbung|"
    r"affiliate)|contains (?:affiliate links|references to products)|"
    r"download (?:the|our) .{0,40}\bapps?\b|(?:canal|channel|kanal) (?:de |on |auf )?"
    r"(?:telegram|youtube|whatsapp)|(?:telegram|youtube|whatsapp)[- ](?:channel|kanal)\b|"
    r"follow \S+(?: \S+)? on (?:twitter|facebook|instagram|x\b)|"
    r"(?:artikel|beitrag) teilen\?|share (?:this|the) (?:article|story|post)\b|"
    r"als pdf herunterladen|(?:ausgabe|heft) (?:kaufen|bestellen)|"
    r"könnte (?:sie|dich) (?:auch )?interessieren|gefällt (?:dir|ihnen|euch) unser|"
    r"what you think about this article|in den kommentaren|trust principles|subskrypc|"
    r"(?:vorschau auf den )?nächsten artikel$|akzeptieren sie unsere datenschutz|"
    r"you agree to our (?:privacy|terms)|(?:quellen|sources) (?:ausblenden|einblenden|"
    r"anzeigen)|exklusive angebote|exclusive offers|nichts (?:mehr )?(?:verpassen|versäumen)|"
    r"verfügbar bis \d|hinzugefügt von:|last modified:|cancela cuando quieras|"
    r"cancel (?:at )?any ?time|jederzeit kündbar|ohne gewähr\)?$|chroniony prawem|"
    r"suggested citation|zitiervorschlag|straight to your (?:phone|inbox)|we need your help|"
    r"bei diesem beitrag handelt es sich um|(?:findest du|finden sie) hier\.?$|"
    r"einfach hier klicken",
    re.I)
# A line that is only a date and/or a time (a post's or a comment's stamp): "3:59 PM",
# "11 Jan 2019", "24. März 2004, 19:49 | Genesis", "2021-10-16 | Botschaft".
DATE_ONLY_LINE = re.compile(
    r"^(?:\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?|(?:\d{1,2}\.?\s+[^\W\d]{3,9}\.?\s+\d{4}|"
    r"\d{4}-\d{2}-\d{2})(?:,?\s+\d{1,2}:\d{2})?(?:\s*\|\s*\w+)?)$", re.I)
# Headings after which the rest of the extracted text is links to other content.
TAIL_HEADING = re.compile(
    r"^\s*(?:related(?: articles| stories| posts| content| news)?|more (?:stories|news|"
    r"articles)|read (?:more|next)|you (?:may|might) also like|recommended(?: for you)?|"
    r"mehr zum thema|weitere (?:themen|artikel|beiträge|nachrichten)|das könnte sie auch "
    r"interessieren|auch interessant|empfohlene beiträge|ähnliche beiträge|schon gelesen\??|"
    r"notas relacionadas|contenido relacionado|te puede interesar|le puede interesar|"
    r"à lire aussi|sur le même sujet|leggi anche|czytaj także|читайте также|"
    r"über (?:den|die) autor(?:in)?|about the author|zum autor|zur autorin|"
    r"sobre el autor|à propos de l'auteur|o autorze|quellen(?:angaben)?|einzelnachweise|"
    r"kontakt|pressekontakt|ansprechpartner(?:in)?|häufig gestellte fragen|"
    r"frequently asked questions|"
    r"comments?|kommentare?|commentaires?|comentarios?|\d+ (?:comments?|kommentare?))\s*"
    r"[:.]?\s*$",
    re.I)
# Subscribe prompts: a short body next to one of these is a teaser of a paywalled article.
SUBSCRIBE_WORDS = re.compile(
    r"subscribe|subscription|subscribers? only|already a subscriber|to continue reading|"
    r"to read the full|abonn|abo\b|jetzt lesen mit|weiterlesen mit|plus-artikel|"
    r"suscr[ií]b|suscriptor|pour lire la suite|réservé aux abonnés|подписк|padpisk|"
    r"premium|members only|nur für abonnenten|zaloguj|prenumer",
    re.I)
# class/id words of paywall containers (Piano, Poool, WordPress paywall plugins, CMS names)
PAYWALL_WORDS = ("paywall", "regwall", "meterwall", "subscriber-only", "subscribers-only",
                 "premium-content", "article-locked", "poool-widget", "tp-container-inner")
WALL_WORDS = re.compile(
    r"please enable (?:javascript|cookies)|are you a robot|verify you are human|"
    r"checking your browser|access denied|captcha|consent to (?:the use of )?cookies|"
    r"zustimmung.{0,40}(?:cookies|datenschutz)|we value your privacy",
    re.I)
# Breadcrumb containers, for the section.
BREADCRUMB_XPATH = (
    "//*[@itemtype='https://schema.org/BreadcrumbList' or "
    "@itemtype='http://schema.org/BreadcrumbList' or contains(@class, 'breadcrumb') or "
    "contains(@id, 'breadcrumb')]"
)


# --- images, comments, related ---

# Class/id words of a comments area (WordPress #comments/.comments-area, Drupal
# .comment-section, Disqus #disqus_thread, news CMSs .komentare/.kommentare/.каментары).
COMMENT_AREA = re.compile(
    r"^(?:comments?|comment[-_]?(?:list|area|section|wrap(?:per)?|container|thread|block|s?box)"
    r"|commentlist|commentslist|comments[-_]?(?:area|section|list|wrap(?:per)?|container|block)"
    r"|disqus[-_]?thread|dsq[-_]?comments|kommentare?|komment\w*|komentar\w*|komentarz\w*"
    r"|коммент\w*|камент\w*|коментар\w*|commentaires?|comentarios?|commenti|reacties|reactions"
    r"|reader[-_]?comments|user[-_]?comments|discussion|diskussion|responses|replies)$",
    re.I,
)
# Tokens that mention comments but are not the area: counters, links, forms, buttons.
COMMENT_NOT_AREA = re.compile(
    r"count|num|link|icon|btn|button|form|respond|reply[-_]?title|toggle|open|closed|policy|"
    r"rules|login|bubble|meta|nav|pagination|rss|feed|subscribe|notice|moderation",
    re.I,
)
# Class tokens of one comment (WordPress li.comment, Drupal .comment, .comment-item, ...).
COMMENT_ITEM = re.compile(
    r"^(?:comment|comment[-_]?(?:item|entry|wrap(?:per)?|container|single|block|box)|"
    r"single[-_]?comment|commentitem|js-comment|komment(?:ar)?|komentar|kommentar|"
    r"коммент|комментарий|камент|каментар|коментар|review|c-comment|post-comment)$",
    re.I,
)
# Element ids of one comment: comment-12, div-comment-12, li-comment-12, c12, comment_12.
COMMENT_ID = re.compile(r"^(?:[a-z]+[-_])?(?:comment|komment\w*|c|cid|reply|msg|message)"
                        r"[-_]?(\d+)$", re.I)
COMMENT_ID_ATTRS = ("data-comment-id", "data-commentid", "data-comment", "data-review-id",
                    "data-id")
# Class/id tokens split into words ("mtbnewsCommentList" -> mtbnews comment list, "kb-comment",
# "allCommentsArea"): a comment word, then what follows it says the part's role. These catch
# CMS and in-house class names that the exact lists above miss (cf. trafilatura's xpaths).
COMMENT_PART = re.compile(
    r"^(?:comments?|kommentare?|komment|komentar\w*|komentarz\w*|commentaires?|comentarios?|"
    r"commenti|commento|reacties|reactie|leserbriefe?|leserkommentare?|leserpost|коммент\w*|"
    r"камент\w*|коментар\w*|disqus|dsq)$", re.I)
COMMENT_PLURAL = re.compile(r"^(?:comments|kommentare|commentaires|comentarios|commenti|"
                            r"reacties|leserbriefe|leserkommentare|leserpost|комментарии|"
                            r"каментары|коментарі|disqus|dsq)$", re.I)
COMMENT_AREA_PARTS = frozenset(("list", "area", "section", "wrap", "wrapper", "container",
                                "thread", "threads", "holder", "entries", "items", "region",
                                "stream", "tree", "root", "outer", "all", "panel", "widget"))
COMMENT_ITEM_PARTS = frozenset(("item", "entry", "card", "box", "block", "single", "node",
                                "li", "row", "post", "wrapper", "wrap", "container", "inner"))
COMMENT_TEXT_PARTS = frozenset(("content", "text", "body", "message", "msg", "txt"))
COMMENT_AUTHOR_PARTS = frozenset(("author", "name", "user", "username", "nick", "poster"))
COMMENT_DATE_PARTS = frozenset(("date", "time", "datetime", "timestamp", "meta", "metadata",
                                "info", "header", "head"))
# Parts that make a comment-word token a control or counter, never an area or a comment.
COMMENT_NOT_PARTS = frozenset((
    "count", "counter", "num", "number", "link", "links", "icon", "btn", "button", "form",
    "respond", "reply", "toggle", "open", "closed", "close", "policy", "rules", "login", "bubble",
    "nav", "pagination", "rss", "feed", "subscribe", "notice", "moderation", "title", "heading",
    "avatar", "like", "likes", "vote", "votes", "teaser", "teasers", "recent", "latest", "top",
    "new", "write", "add", "post-form", "input", "textarea", "submit", "guidelines", "disabled",
    "load", "more", "show", "hide", "tab", "tabs", "label", "trigger", "anchor", "jump", "cta",
    "share", "widget-title", "sidebar", "badge", "status", "loading", "empty", "none", "no",
    "aktuelle", "neueste", "letzte", "neue", "derniers", "ultimi", "ultimos", "recientes"))
# Whole text of a heading that introduces comments: "Kommentare", "3 Comments", "Reacties (2)".
COMMENT_HEADING = re.compile(
    r"^\W{0,3}(?:\d{1,6}\s+)?(?:comments?|kommentare?|commentaires?|comentarios?|commenti|"
    r"reacties|reactions|reaktionen|leserbriefe|leserkommentare|komentarze|komentáře|"
    r"комментарии|каментары|коментарі|responses|discussion|diskussion)"
    r"(?:\s*[(\[:]?\s*\d{1,6}\s*[)\]]?)?\W{0,3}$", re.I)
COMMENT_AUTHOR = re.compile(
    r"^(?:fn|author|comment[-_]?author(?:[-_]name)?|author[-_]?name|username|user[-_]?name|"
    r"nickname|nick|commenter|name|comment[-_]?user|user|autor|автор)$", re.I)
COMMENT_DATE = re.compile(
    r"^(?:date|time|comment[-_]?(?:date|time|metadata)|commentmetadata|published|timestamp|"
    r"datetime|post[-_]?date|comment[-_]?meta|meta[-_]?date|data|дата)$", re.I)
COMMENT_TEXT = re.compile(
    r"^(?:comment[-_]?(?:content|text|body|message|entry)|field--name-comment-body|text|"
    r"content|message|body|entry|comment_text|commenttext|kommentar[-_]?text)$", re.I)
COMMENT_LIKES = re.compile(r"like|vote|rating|karma|score|plus|upvote|thumbs", re.I)
# Chrome inside a comment: reply links, report buttons, avatars, "says:".
COMMENT_CHROME = re.compile(
    r"^(?:reply|comment[-_]?reply[-_]?link|report|flag|edit|avatar|says|comment[-_]?actions?|"
    r"actions?|toolbar|share|permalink|vote|votes|likes?|rating|reply[-_]?link|"
    r"comment[-_]?(?:number|num|count|counter)|number|gravatar)$", re.I)
# Leading lines of a comment's text that are chrome: "1", "Kommentar von", "says:".
COMMENT_LEAD = re.compile(r"^(?:#?\d+\.?|(?:comment|kommentar|commentaire|комментарий)"
                          r"(?: (?:by|von|de|par|от))?|says:?|sagt:?|schreibt:?)$", re.I)
# Trailing lines of a comment's text that are its buttons: "Reply", "Antworten", "Melden".
COMMENT_TAIL = re.compile(r"^(?:reply|antworten|antwort|répondre|responder|rispondi|beantwoorden|"
                          r"reageer|odpowiedz|ответить|адказаць|відповісти|melden|report|"
                          r"permalink|like|gefällt mir|liken)$", re.I)
# "says:" after the author name (WordPress), in several languages.
SAYS = re.compile(r"\s*(says|said|writes|wrote|sagt|schreibt|meint|denkt|dice|escribió|dit|"
                  r"a dit|écrit|scrive|napisał[a]?|"
                  r"пишет|сказал[аі]?|піша|kirjoitti|skriver|schreef|zegt)\s*:?\s*$", re.I)
# "Comment by X", "Kommentar von X", "Комментарий от X" in front of the author name.
COMMENT_BY = re.compile(r"^\s*(?:\d+\s+)?(?:comment|kommentar|commentaire|comentario|"
                        r"комментарий|reply|antwort)\s+(?:by|von|de|par|от|ад)\s+", re.I)
# Declared comment counts: "Comments 4", "Comments4", "4 comments", "Каментары 4",
# "Комментарии (12)", "12 Kommentare", "3 thoughts on “X”", "One response to".
COMMENT_WORDS = (
    r"comments?|thoughts?|responses?|replies|reactions?|kommentare?|kommentar|antworten|"
    r"gedanken|reaktionen|commentaires?|réactions|réponses?|réflexions?|comentarios?|"
    r"respuestas?|commenti|risposte|reacties|komentarz[ey]?|komentářů|komentáře|"
    r"комментари[йяеи]?|комментарий|коментар(?:і|ів)|каментар(?:ы|ыі|аў)|відгук\w*|отзыв\w*"
)
COUNT_BEFORE = re.compile(rf"(?<![\w.])(\d{{1,6}}|one|eine?|un[ea]?|одна?)\s*"
                          rf"(?:{COMMENT_WORDS})\b", re.I)
COUNT_AFTER = re.compile(rf"(?:{COMMENT_WORDS})\s*[(:\[]?\s*(\d{{1,6}})\s*[)\]]?\s*$", re.I)

# Headings of related-link blocks, many languages (seen on news sites and blogs).
RELATED_HEADING = re.compile(
    r"related|read (?:also|more|next)|also read|more (?:from|on|about|stories|news|in)|"
    r"most (?:read|popular|viewed|shared|commented)|now reading|popular|trending|"
    r"recommended|you (?:may|might) (?:also )?like|see also|further reading|top stories|"
    r"latest (?:news|stories|posts)|recent posts|editor'?s picks|what to read|all news|"
    r"lesen sie (?:auch|mehr)|mehr zum thema|auch interessant|das könnte|weitere artikel|"
    r"meistgelesen|ähnliche|verwandte|empfehlungen|neueste|beliebt|"
    r"à lire aussi|lire aussi|sur le même sujet|les plus lus|articles? similaires|"
    r"leer más|lea también|te puede interesar|más leíd|relacionad|noticias relacionadas|"
    r"leggi anche|più lett|articoli correlati|czytaj (?:także|też|więcej)|najczęściej|"
    r"popularne|polecane|přečtěte si|související|lees ook|meest gelezen|"
    r"читайте (?:также|тоже)|самое (?:читаемое|популярное)|популярное|похожие|"
    r"читати також|больш чытан|больш лайкан|чытайце таксама|папулярн|галоўнае|"
    r"главное|по теме|новости по теме|сейчас читают|зараз чытаюць|усе навіны|все новости",
    re.I,
)
# Class/id words of related blocks (YARPP, Jetpack, Contextual Related Posts, news CMSs).
RELATED_CLASS = re.compile(
    r"related|relacionad|correlat|verwandt|similar|more[-_]?(?:from|news|stories|articles)|"
    r"read[-_]?(?:also|more|next)|most[-_]?(?:read|popular|viewed)|mostread|popular|trending|"
    r"recommend|further|teaser[-_]?list|yarpp|jp-relatedposts|crp_related|"
    r"читайте|по[-_]?теме",
    re.I,
)
# Site chrome: not related blocks, not article images.
CHROME_CLASS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|breadcrumbs?|footer|header|masthead|"
    r"pagination|pager|paging|share|sharing|social|sharedaddy|tags?|tag[-_]?cloud|tagcloud|"
    r"lang|language|languages|cookie|consent|newsletter|subscribe|login|search|skip|"
    r"topbar|top-bar|toolbar|sitemap)(?:$|[\s_-])",
    re.I,
)
# URL paths of taxonomy/utility pages: not articles.
NON_ARTICLE_PATH = re.compile(
    r"/(?:tags?|category|categories|topics?|author|authors|autor|user|users|profile|page|"
    r"search|login|register|feed|rss|wp-login\.php|subscribe|about|contact|impressum|"
    r"privacy|datenschutz|cart|account|rubric|rubrik|section|label)(?:/|$|\?)",
    re.I,
)
# Images that are not the article's: logos, avatars, icons, pixels, ads, buttons.
IMG_SKIP = re.compile(
    r"logo|avatar|gravatar|icon|sprite|emoji|smiley|badge|button|btn|share|social|pixel|"
    r"spacer|blank|tracking|track|beacon|advert|banner|sponsor|promo|placeholder|loader|"
    r"loading|feedburner|facebook|twitter|whatsapp|pinterest|linkedin|rss|author-?photo|"
    r"profile|user-?pic|(?:^|[\s_/-])ads?(?:[-_/.\s]|$)",
    re.I,
)
# Ancestors whose images are not the article's.
IMG_SKIP_AREA = re.compile(
    r"(?:^|[\s_-])(?:ad|ads|advert\w*|sponsor\w*|promo\w*|related|teaser\w*|share|sharing|"
    r"social|author|byline|avatar|comments?|newsletter|widget|sidebar|banner|logo|"
    r"recommend\w*|popular|trending|most-read|outbrain|taboola|nav|menu|header|footer)"
    r"(?:$|[\s_-])",
    re.I,
)
# Caption and credit elements (figcaption children, WordPress .wp-caption-text).
CAPTION_CLASS = re.compile(r"caption|legend|legende|bildunterschrift|description|desc|"
                           r"image-text|img-text|photo-text|media-text|subtitle", re.I)
CREDIT_CLASS = re.compile(r"credit|copyright|source|author|photographer|byline|rights|"
                          r"quelle|fotograf|autor", re.I)
