"""Article images: captions and credits split; logos, avatars, teasers, pixels left out."""

from __future__ import annotations

import json

from newsarchive.extract import images, related
from newsarchive.extract.document import Document
from newsarchive.record import Record

TEXT = "<p>" + "Body text of the article. " * 20 + "</p>"


def run(body: str, head: str = "", fields: dict | None = None) -> Record:
    doc = Document(f"<html><head>{head}</head><body>{body}</body></html>",
                   "https://ex.com/2025/12/01/story")
    rec = Record(url=doc.url, canonical_url=doc.url, site="ex.com")
    related.fill_related(doc, rec, None, {})
    node = doc.tree.find(".//article")
    images.fill_images(doc, rec, None, fields or {}, node)
    return rec


def test_figure_with_credit_span_and_lazy_src() -> None:
    rec = run(f"""<article><h1>H</h1>{TEXT}<figure><img src="data:image/gif;base64,R0lGOD"
        data-src="/img/a-800x600.jpg" alt="A protest"><figcaption>People march in Minsk.
        <span class="credit">Photo: Jane Doe</span></figcaption></figure>{TEXT}</article>""")
    assert [(i.src, i.alt, i.caption, i.credit) for i in rec.images] == [
        ("https://ex.com/img/a-800x600.jpg", "A protest", "People march in Minsk.", "Jane Doe")]


def test_ap_photo_in_caption_and_srcset() -> None:
    rec = run(f"""<article><h1>H</h1>{TEXT}<figure><img srcset="/s.jpg 300w, /l.jpg 1200w">
        <figcaption>Biden speaks. (AP Photo/Evan Vucci)</figcaption></figure></article>""")
    assert [(i.src, i.caption, i.credit) for i in rec.images] == [
        ("https://ex.com/l.jpg", "Biden speaks.", "AP Photo/Evan Vucci")]


def test_seed_like_caption_paragraph() -> None:
    rec = run(f"""<article><h1>H</h1>{TEXT}<p><img src="/img/example.jpg"></p>
        <p>Vladimir Putin on a video call with Nicolás Maduro. Photo: Sputnik, Kremlin Pool Photo
        via AP</p>{TEXT}</article>""")
    assert [(i.caption, i.credit) for i in rec.images] == [
        ("Vladimir Putin on a video call with Nicolás Maduro.",
         "Sputnik, Kremlin Pool Photo via AP")]


def test_jsonld_image_object_credit_and_og_lead() -> None:
    ld = {"@type": "NewsArticle", "image": {"@type": "ImageObject",
          "url": "https://cdn.ex.com/lead.jpg", "caption": "The square at dawn.",
          "creditText": "Reuters"}}
    head = ('<meta property="og:image" content="https://cdn.ex.com/lead.jpg">'
            f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    body = f"""<div class="hero"><img src="https://cdn.ex.com/lead-1024x576.jpg"></div>
        <article><h1>H</h1>{TEXT}</article>"""
    rec = run(body, head)
    assert [(i.src, i.caption, i.credit) for i in rec.images] == [
        ("https://cdn.ex.com/lead-1024x576.jpg", "The square at dawn.", "Reuters")]


def test_logos_avatars_pixels_share_buttons_and_teasers_excluded() -> None:
    rec = run(f"""<article><h1>H</h1><img class="logo" src="/logo.png">
        <div class="byline"><img src="/authors/jane.jpg"> Jane</div>{TEXT}
        <img src="/pixel.gif" width="1" height="1">
        <div class="share"><a href="https://facebook.com/x"><img src="/fb.png"></a></div>
        <img src="/img/real-photo.jpg">
        <a href="/2025/11/30/other-story"><img src="/img/teaser.jpg"></a>
        <div class="comments"><img class="avatar" src="/u/1.jpg"></div>
        <div class="related"><h3>Related</h3><ul>
          <li><a href="/2025/11/29/third-story-here">
            <img src="/img/t2.jpg">A third story title</a></li>
          <li><a href="/2025/11/28/fourth-story-here">A fourth story title here</a></li></ul></div>
        </article>""")
    assert [i.src for i in rec.images] == ["https://ex.com/img/real-photo.jpg"]


def test_dedupe_same_picture_in_sizes() -> None:
    rec = run(f"""<article><h1>H</h1><img src="/p/photo-300x200.jpg">{TEXT}
        <noscript><img src="/p/photo.jpg"></noscript></article>""")
    assert len(rec.images) == 1


def test_site_layer_with_processor() -> None:
    rec = run(f"""<article><h1>H</h1>{TEXT}<div class="pic"><img src="/x.jpg">
        <span class="cap">Lake at night.</span><span class="cr">Фото: Наша Ніва</span></div>
        </article>""", fields={"images": {"container": "div.pic", "src": "img::attr(src)",
                                          "caption": "span.cap", "credit": "span.cr"}})
    assert [(i.src, i.caption, i.credit) for i in rec.images] == [
        ("https://ex.com/x.jpg", "Lake at night.", "Наша Ніва")]
    assert rec.provenance["images"] == "site"


def test_lead_image_in_article_header_with_schema_headline() -> None:
    # heise-like: the headline is an <h2 itemprop=headline> inside a header-classed wrapper;
    # the lead picture there is the article's, not site chrome
    rec = run(f"""<article><div class="article-layout__header-container">
        <header class="a-article-header"><h2 itemprop="headline">Lithium aus dem Schredder</h2>
        <figure class="article-image"><img src="/imgs/A192528_large_Audi-3-700.jpeg" alt="Akkus">
        <figcaption class="a-caption"><p class="a-caption__source">(Bild:&nbsp;Audi)</p>
        </figcaption></figure></header></div>{TEXT}</article>""")
    assert [(i.src, i.credit) for i in rec.images] == [
        ("https://ex.com/imgs/A192528_large_Audi-3-700.jpeg", "Audi")]


def test_site_banner_header_still_skipped() -> None:
    rec = run(f"""<header class="site-header"><img src="/img/masthead-photo.jpg"></header>
        <article><h1>H</h1>{TEXT}</article>""")
    assert rec.images == []


def test_credit_classed_element_with_only_its_label_is_no_credit() -> None:
    rec = run(f"""<article><h1>H</h1>{TEXT}<figure><img src="/img/cover-july.jpg">
        <figcaption>Technology Review Juli 2019 <span class="a-caption__source">(Bild: )</span>
        </figcaption></figure></article>""")
    assert [(i.caption, i.credit) for i in rec.images] == [("Technology Review Juli 2019", None)]


def test_credit_beside_the_caption_not_inside_it() -> None:
    # chemie.de-like carousel: the credit box is a sibling of the caption box
    rec = run(f"""<article><h1>H</h1>{TEXT}<div class="image-holder">
        <a href="/img/founders.jpg"><img src="/img/founders.jpg" alt=""></a>
        <div class="origin-notice"><p>MIRO Analytical</p></div>
        <div class="carousel-caption"><p>Die Gründer von MIRO Analytical mit einem Gerät.</p>
        </div></div>{TEXT}</article>""")
    assert [(i.caption, i.credit) for i in rec.images] == [
        ("Die Gründer von MIRO Analytical mit einem Gerät.", "MIRO Analytical")]


def test_credit_beside_drops_gallery_counter_and_ignores_author_box() -> None:
    rec = run(f"""<article><h1>H</h1>{TEXT}<figure><img src="/img/gallery-1.jpg">
        <figcaption>Ein Garten im Sommer.</figcaption>
        <div class="image-copyright">Bild 1 von 4 © Iona Dutz</div></figure>
        <div class="author-box"><img src="/img/reporter-portrait.jpg" width="90">
        <div class="author-name">Christoph Hein</div><div class="author-meta">ca. 8 Min.</div>
        </div>{TEXT}</article>""")
    credits = {i.src.rsplit("/", 1)[-1]: i.credit for i in rec.images}
    assert credits["gallery-1.jpg"] == "Iona Dutz"
    assert credits.get("reporter-portrait.jpg") is None


def test_star_rating_widget_images_are_not_pictures() -> None:
    rec = run(f"""<article><h1>H</h1>{TEXT}<figure><img src="/img/bumblebee.jpg"></figure>
        <span id="post-ratings-4373" class="post-ratings"><strong>War der Artikel nützlich?</strong>
        <img src="/plugins/wp-postratings/images/stars_crystal/rating_on.gif" alt="1 Stern">
        <img src="/plugins/wp-postratings/images/stars_crystal/rating_half.gif" alt="2 Sterne">
        </span></article>""")
    assert [i.src for i in rec.images] == ["https://ex.com/img/bumblebee.jpg"]


def test_credit_from_data_attributes_of_image_link_or_wrapper() -> None:
    rec = run(f"""<article><h1>H</h1>{TEXT}
        <img data-copyright="© Dieter Mayr (KNA)" src="/img/synode.jpg" alt="Synode">
        <a href="/img/ausbruch-2048.jpg" data-fancybox="gallery" data-caption=""
           data-credit="Foto: Weingut Feiler"><img src="/img/ausbruch-800.jpg"></a>
        <div class="figure__wrapper" data-copyright="heychli - stock.adobe.com">
          <img src="/img/facc.jpeg"></div>
        <img data-copyright="" src="/img/hut.jpg">{TEXT}</article>""")
    assert [i.credit for i in rec.images] == [
        "Dieter Mayr (KNA)", "Weingut Feiler", "heychli - stock.adobe.com", None]


def test_svg_stand_in_src_yields_to_lazy_srcset_and_image_credit_label() -> None:
    rec = run(f"""<article><h1>H</h1>{TEXT}<figure><p><picture>
        <img src="https://cdn.example/media/img/missing-image.svg" class="lazy-image-van"
          data-srcset="/id8M-320-80.jpg 320w, /id8M-970-80.jpg 970w">
        </picture></p><figcaption itemprop="caption description"><span class="credit"
        itemprop="copyrightHolder">(Image credit: HandyGames)</span></figcaption></figure>
        {TEXT}</article>""")
    assert [(i.src, i.credit) for i in rec.images] == [
        ("https://ex.com/id8M-970-80.jpg", "HandyGames")]


def test_caption_trigger_button_is_not_the_caption_and_nested_credit_label_once() -> None:
    # Telegraph-like: an empty "e-caption-trigger" button sits next to the picture; the real
    # caption is the figure's figcaption, whose credit span holds a "Credit" label span
    rec = run(f"""<article><h1>H</h1>{TEXT}<figure class="article-body-image">
        <div class="article-body-image__container"><img src="/img/hartley.jpg" width="620">
        <button class="e-caption-trigger" aria-label="Open caption"><svg></svg></button></div>
        <figcaption class="e-caption"><span itemprop="caption">Gas fitter Andrew Hartley was
        jailed.</span> <span class="e-caption__credit"><span class="e-caption__credit-description"
        >Credit</span>: Photo: PA </span></figcaption></figure>{TEXT}</article>""")
    assert [(i.caption, i.credit) for i in rec.images] == [
        ("Gas fitter Andrew Hartley was jailed.", "PA")]


def test_origin_markers_are_no_credit_holder() -> None:
    # "File." ends an AP-style caption: the picture is from the archive, nobody is credited;
    # "Foto: privat" in a credit span says the same; an agency beside "File" is the credit
    rec = run(f"""<article><h1>H</h1>{TEXT}
        <figure><img src="/img/scene.jpg"><figcaption>Police at the scene on Monday. File.
        </figcaption></figure>
        <figure><img src="/img/portrait.jpg"><figcaption>Tobias Trommer, activist
        <span class="credit">Foto: privat</span></figcaption></figure>
        <figure><img src="/img/court.jpg"><figcaption>The court in 2019.
        (AP Photo/John Doe, File)</figcaption></figure>{TEXT}</article>""")
    assert [(i.caption, i.credit) for i in rec.images] == [
        ("Police at the scene on Monday.", None), ("Tobias Trommer, activist", None),
        ("The court in 2019.", "AP Photo/John Doe")]


def test_credit_line_before_the_caption_text() -> None:
    # the credit comes first in its own element, the caption text follows it
    rec = run(f"""<article><h1>H</h1>{TEXT}
        <figure><img src="/img/cleaner.webp"><figcaption>
        <div class="block text-xs">©5 Minuten</div> Dank Filana müsst ihr euch um nichts kümmern!
        </figcaption></figure>
        <figure><img src="/img/scooters.jpg"><figcaption><span>Photo: Adil Boukind Archives Le
        Devoir</span> Scooters made 365 000 trips between June and November.</figcaption>
        </figure>{TEXT}</article>""")
    assert [(i.caption, i.credit) for i in rec.images] == [
        ("Dank Filana müsst ihr euch um nichts kümmern!", "5 Minuten"),
        ("Scooters made 365 000 trips between June and November.",
         "Adil Boukind Archives Le Devoir")]


def test_caption_text_after_a_credit_classed_span_is_kept() -> None:
    rec = run(f"""<article><h1>H</h1>{TEXT}<figure><img src="/img/a.jpg"><figcaption>
        <span class="credit">Foto: Jane Doe</span> The square at dawn.</figcaption></figure>
        {TEXT}</article>""")
    assert [(i.caption, i.credit) for i in rec.images] == [("The square at dawn.", "Jane Doe")]


def test_jsonld_caption_with_media_prefix_is_no_credit() -> None:
    # popkultur.de-like: the ImageObject caption "Symbolbild: <title>" is a caption, not
    # label + credit
    ld = {"@type": "ImageObject", "url": "https://cdn.ex.com/schauspieler.jpg",
          "caption": "Symbolbild: Homosexuelle Schauspieler"}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    rec = run(f"""<article><h1>H</h1><img src="https://cdn.ex.com/schauspieler.jpg">{TEXT}
        </article>""", head)
    assert [(i.caption, i.credit) for i in rec.images] == [
        ("Symbolbild: Homosexuelle Schauspieler", None)]


def test_headline_with_video_prefix_after_the_picture_is_no_caption() -> None:
    # citylimits-like: the picture, then the "VIDEO: <title>" headline (read as label + credit)
    rec = run(f"""<article><p><img src="/img/t-border-final-771x434.jpg"></p>
        <h2>VIDEO: Voting on NYCHA’s Future</h2>{TEXT}</article>""")
    assert [(i.caption, i.credit) for i in rec.images] == [(None, None)]
