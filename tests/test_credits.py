"""Credit detection and splitting (newsarchive.extract.credits)."""

from __future__ import annotations

import pytest

from newsarchive.extract.credits import holder, is_credit, split_credit, strip_credit_label


@pytest.mark.parametrize(("text", "caption", "credit"), [
    ("Vladimir Putin on a video call with Nicolás Maduro. "
     "Photo: Sputnik, Kremlin Pool Photo via AP",
     "Vladimir Putin on a video call with Nicolás Maduro.", "Sputnik, Kremlin Pool Photo via AP"),
    ("President Biden speaks in the Rose Garden. (AP Photo/Evan Vucci)",
     "President Biden speaks in the Rose Garden.", "AP Photo/Evan Vucci"),
    ("Protesters in Minsk. John Smith / Reuters", "Protesters in Minsk.", "John Smith / Reuters"),
    ("A man walks. Mikhail Metzel/Getty Images", "A man walks.", "Mikhail Metzel/Getty Images"),
    ("Вуліца ў Мінску. Фота: Наша Ніва", "Вуліца ў Мінску.", "Наша Ніва"),
    ("Улица в Минске. Фото: БелТА", "Улица в Минске.", "БелТА"),
    ("Die Kanzlerin in Berlin. Foto: Michael Kappeler/dpa", "Die Kanzlerin in Berlin.",
     "Michael Kappeler/dpa"),
    ("Die Intensivstation im Dresdner Klinikum / picture alliance",
     "Die Intensivstation im Dresdner Klinikum", "picture alliance"),
    ("Cambridge police at the scene. (Matt Stone/Boston Herald)", "Cambridge police at the scene.",
     "Matt Stone/Boston Herald"),
    ("Das FWR reagiert. (Symbolbild: Alex T./AdobeStock)", "Das FWR reagiert.",
     "Alex T./AdobeStock"),
    ("© Getty Images", None, "Getty Images"),
    ("Bild: Keystone", None, "Keystone"),
    ("Crédit : AFP", None, "AFP"),
    ("Photo by Jane Doe", None, "Jane Doe"),
    ("He said the photo was fake.", "He said the photo was fake.", None),
    ("Fiaduta: We were captives of aliens", "Fiaduta: We were captives of aliens", None),
])
def test_split_credit(text: str, caption: str | None, credit: str | None) -> None:
    assert split_credit(text) == (caption, credit)


def test_is_credit() -> None:
    for text in ("Фото: Reuters", "Getty Images", "(AP Photo/Evan Vucci)", "John Smith / Reuters",
                 "Foto: dpa", "© 2020 Jane Doe"):
        assert is_credit(text), text
    for text in ("He said the photo was fake.", "The AP reported on Monday that the deal was done.",
                 "Bragin police chief shot his wife. She miraculously survived", ""):
        assert not is_credit(text), text


def test_strip_credit_label() -> None:
    assert strip_credit_label("Photo: Sputnik") == "Sputnik"
    assert strip_credit_label("Фото - Reuters") == "Reuters"
    assert strip_credit_label("© Getty Images") == "Getty Images"
    assert strip_credit_label("Credit: Jane Doe for The New York Times") == \
        "Jane Doe for The New York Times"
    assert strip_credit_label("Jane Doe") == "Jane Doe"


@pytest.mark.parametrize(("text", "caption", "credit"), [
    # "file photo" conventions end a caption as its own sentence or in brackets: they say
    # where the picture came from and credit nobody
    ("El avión fue detenido ilegalmente el año pasado en Guatemala. Archivo.",
     "El avión fue detenido ilegalmente el año pasado en Guatemala.", None),
    ("The Barbados Tridents’ footballers training ahead of a match. (FILE)",
     "The Barbados Tridents’ footballers training ahead of a match.", None),
    ("Der Bundestag in Berlin. (Archiv)", "Der Bundestag in Berlin.", None),
    ("Police at the scene on Monday. File.", "Police at the scene on Monday.", None),
    ("Soldiers unload aid in Kyiv. Handout.", "Soldiers unload aid in Kyiv.", None),
    # ... an agency after the marker is still the credit, and the marker leaves the caption
    ("Police at the scene on Monday. File photo: AP", "Police at the scene on Monday.", "AP"),
    # the word inside a sentence is no credit
    ("We looked at the archives. Archives are great.",
     "We looked at the archives. Archives are great.", None),
])
def test_split_credit_archive_photo(text: str, caption: str | None, credit: str | None) -> None:
    assert split_credit(text) == (caption, credit)


@pytest.mark.parametrize(("text", "caption", "credit"), [
    ("Nicole pedalea junto a una rival en Hong Kong. (Créditos: UCI)",
     "Nicole pedalea junto a una rival en Hong Kong.", "UCI"),
    ("A rare form of Muscular Dystrophy has stopped his rise. Photo via Evert Tennis Academy",
     "A rare form of Muscular Dystrophy has stopped his rise.", "Evert Tennis Academy"),
    ("Photocredits MYMARINI: Christin Schwarzer", None, "MYMARINI: Christin Schwarzer"),
    ("Die Baustelle in Krakau. praca / ShutterStock", "Die Baustelle in Krakau.",
     "praca / ShutterStock"),
    # a last sentence of label + capitalised names, without a colon
    ("Uno de los buses portaba distintivos oficiales. FOTO Archivo Particular",
     "Uno de los buses portaba distintivos oficiales.", "Archivo Particular"),
    ("Rechenzentrum Green IT Datacenter. Foto Sergey Rraikin via Unsplash",
     "Rechenzentrum Green IT Datacenter.", "Sergey Rraikin via Unsplash"),
    # ... but not a sentence about a photo
    ("The storm hit. Photo shows the damage.", "The storm hit. Photo shows the damage.", None),
    ("Credits roll at the end of the film.", "Credits roll at the end of the film.", None),
])
def test_split_credit_more_label_forms(text: str, caption: str | None, credit: str | None) -> None:
    assert split_credit(text) == (caption, credit)


def test_credit_word_starting_a_sentence_is_not_a_credit() -> None:
    assert not is_credit("Credit card fees rise again")
    assert is_credit("Photo credit Jane Doe")


def test_image_credit_label() -> None:
    assert strip_credit_label("(Image credit: HandyGames)") == "HandyGames"
    assert split_credit("A bridge at dusk. (Picture credit: Jane Doe)") == (
        "A bridge at dusk.", "Jane Doe")


@pytest.mark.parametrize(("credit", "name"), [
    # origin markers are no holder: file, archive, handout, stock, "private", "supplied"
    ("File", None), ("FILE", None), ("File photo", None), ("Archivo", None), ("Handout", None),
    ("Stock", None), ("privat", None), ("Foto beigestellt", None), ("Cedida", None),
    ("zvg", None), ("Supplied", None), ("Archivo Particular", None), ("Symbolbild", None),
    # ... an agency or a photographer beside the marker is
    ("Archivo/Soy502", "Soy502"), ("AP Photo/John Doe, File", "AP Photo/John Doe"),
    ("Markus Scholz/dpa/Archivbild", "Markus Scholz/dpa"), ("File photo: AP", "AP"),
    ("Getty Images/EyeEm (Symbolbild)", "Getty Images/EyeEm"),
    ("Handout via Reuters", "Handout via Reuters"),
    # names that hold the word inside stay whole
    ("Adobe Stock", "Adobe Stock"), ("Getty Images/iStock", "Getty Images/iStock"),
    ("Ric Clarson/PGA TOUR Archive", "Ric Clarson/PGA TOUR Archive"),
    # labels, "By", soft hyphens and zero-width spaces are no part of the name
    ("Źródło: Pixabay", "Pixabay"), ("Bild © Johannes Gregor/hr", "Johannes Gregor/hr"),
    ("By U.S. Customs and Border Protection", "U.S. Customs and Border Protection"),
    ("Por Felipe Morales Sierra", "Felipe Morales Sierra"),
    ("Foto Steven Vangermain", "Steven Vangermain"),
    ("Süd\xadti\xadrol Wein / Tiberio Sor\xadvil\xadlo", "Südtirol Wein / Tiberio Sorvillo"),
    ("Ben Stansall/\u200bAFP/\u200bGetty Images", "Ben Stansall/AFP/Getty Images"),
    ("Michael von Lingen (Copyright)", "Michael von Lingen"),
    # an empty label template credits nobody; one label and a name is a credit
    ("Datum: Autor: Quelle", None), ("Quelle: Reuters", "Reuters"),
    ("MYMARINI: Christin Schwarzer", "MYMARINI: Christin Schwarzer"),
])
def test_holder(credit: str, name: str | None) -> None:
    assert holder(credit) == name


@pytest.mark.parametrize(("text", "caption", "credit"), [
    # a media-type prefix before a title names no holder (JSON-LD captions, headline lines)
    ("VIDEO: Voting on NYCHA’s Future", "VIDEO: Voting on NYCHA’s Future", None),
    ("Symbolbild: Homosexuelle Schauspieler", "Symbolbild: Homosexuelle Schauspieler", None),
    ("Archivbild: Die Kirche im Dorf", "Archivbild: Die Kirche im Dorf", None),
    ("Galerie: Die schönsten Bilder vom Stadtfest", "Galerie: Die schönsten Bilder vom Stadtfest",
     None),
    ("Live: Ticker zur Wahl in Berlin", "Live: Ticker zur Wahl in Berlin", None),
    ("The mayor speaks. Video: Watch the whole speech here",
     "The mayor speaks. Video: Watch the whole speech here", None),
    # "Photo:" before a sentence rather than a name
    ("Photo: Police at the scene of the crash on Monday",
     "Photo: Police at the scene of the crash on Monday", None),
    ("Foto: Polizei sichert den Tatort in der Innenstadt",
     "Foto: Polizei sichert den Tatort in der Innenstadt", None),
    # ... while a holder after the prefix, or a name after "Photo:", stays a credit
    ("Symbolbild: picture alliance/dpa", None, "picture alliance/dpa"),
    ("Video: © Max Mustermann", None, "Max Mustermann"),
    ("Foto: Max Mustermann", None, "Max Mustermann"),
    ("Photo: Office of the President of Ukraine", None, "Office of the President of Ukraine"),
    ("Photo: courtesy of the family", None, "courtesy of the family"),
    ("Vor dem Rathaus. Foto: Anna Schmidt von der Stadt", "Vor dem Rathaus.",
     "Anna Schmidt von der Stadt"),
])
def test_media_prefix_and_sentence_name_no_holder(text: str, caption: str | None,
                                                  credit: str | None) -> None:
    assert split_credit(text) == (caption, credit)
