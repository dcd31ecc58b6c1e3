//! Searching documents ingested through the store: French and English paraphrases, phrases,
//! prefixes, operators, snippets, filters, pagination, one result per document, and access
//! groups inside every query.

mod common;

use common::{Fixture, doc, fixture, search, titles};
use levier_core::Timestamp;
use levier_index::{FieldWeights, Filters, IndexError, LexicalIndex, SearchRequest};

/// The demo corpus: French and English documents in groups `a`, `b`, and both.
async fn corpus() -> (Fixture, LexicalIndex) {
    let fx = fixture().await;
    let livraison = doc(
        &fx,
        "livraison.md",
        "Conditions de livraison",
        "fr",
        &["a"],
        &[
            (
                &["Livraison", "Délais"],
                "Le délai de livraison est de 48 h pour toute commande passée avant midi.",
            ),
            (
                &["Livraison", "Stockage"],
                "Les colis sont préparés dans nos entrepots de Lyon avant la livraison.",
            ),
            (
                &["Paiement"],
                "Le règlement se fait par virement à trente jours.",
            ),
        ],
    );
    fx.put(livraison).await;
    let returns = doc(
        &fx,
        "returns.md",
        "Returns policy",
        "en",
        &["a"],
        &[(
            &["Returns"],
            "Customers may return items within thirty days of delivery <for a full refund>.",
        )],
    );
    fx.put(returns).await;
    let salaires = doc(
        &fx,
        "salaires.md",
        "Grille de la direction",
        "fr",
        &["b"],
        &[(
            &["Confidentiel"],
            "Les rémunérations de la direction sont revues chaque année ; livraison des bulletins le 28.",
        )],
    );
    fx.put(salaires).await;
    let reglement = doc(
        &fx,
        "reglement.md",
        "Règlement intérieur",
        "fr",
        &["a", "b"],
        &[(
            &["Horaires"],
            "Les horaires d'ouverture du bureau sont de 9 h à 18 h.",
        )],
    );
    fx.put(reglement).await;
    let mut mail = doc(
        &fx,
        "msg-1@example.org",
        "Re: retard de livraison",
        "fr",
        &["a"],
        &[(
            &[],
            "Bonjour, notre livraison n'est pas arrivée, pouvez-vous vérifier ?",
        )],
    );
    mail.source_id = fx.mail;
    mail.media_type = "message/rfc822".into();
    fx.put(mail).await;
    let index = fx.open_index();
    index.sync(&fx.store).await.expect("sync");
    (fx, index)
}

#[tokio::test]
async fn french_paraphrase_with_plural_accents_and_elision() {
    let (_fx, index) = corpus().await;
    let r = search(&index, "délais de livraison", &["a"]);
    assert!(r.total >= 1);
    let top = &r.hits[0];
    assert_eq!(top.title, "Conditions de livraison");
    assert_eq!(top.heading_path, vec!["Livraison", "Délais"]);
    assert!(
        top.snippet_html.contains("<mark>délai</mark>"),
        "{}",
        top.snippet_html
    );
    assert!(
        top.snippet_html.contains("<mark>livraison</mark>"),
        "{}",
        top.snippet_html
    );

    let r = search(&index, "l'entrepôt", &["a"]);
    assert_eq!(r.total, 1);
    assert_eq!(r.hits[0].heading_path, vec!["Livraison", "Stockage"]);
    assert!(r.hits[0].snippet_html.contains("<mark>entrepots</mark>"));
}

#[tokio::test]
async fn english_paraphrase_and_escaped_snippet() {
    let (_fx, index) = corpus().await;
    let r = search(&index, "Returning an item", &["a"]);
    assert_eq!(titles(&r), vec!["Returns policy"]);
    let html = &r.hits[0].snippet_html;
    assert!(html.contains("<mark>return</mark>"), "{html}");
    assert!(html.contains("<mark>items</mark>"), "{html}");
    assert!(html.contains("&lt;for a full refund&gt;"), "{html}");
    assert!(!html.contains("<for"), "{html}");
    assert_eq!(r.hits[0].language, "en");
}

#[tokio::test]
async fn phrase_queries_respect_word_order() {
    let (_fx, index) = corpus().await;
    let r = search(&index, "\"délai de livraison\"", &["a"]);
    assert_eq!(r.total, 1);
    assert_eq!(r.hits[0].heading_path, vec!["Livraison", "Délais"]);
    assert_eq!(search(&index, "\"midi avant passée\"", &["a"]).total, 0);
    assert_eq!(
        search(&index, "\"commandes passées avant midi\"", &["a"]).total,
        1
    );
}

#[tokio::test]
async fn required_and_excluded_words() {
    let (_fx, index) = corpus().await;
    // Three chunks of the delivery terms (one through its title only) and the email.
    let all = search(&index, "livraison", &["a"]).total;
    assert_eq!(all, 4);
    let r = search(&index, "livraison -entrepôts", &["a"]);
    assert_eq!(r.total, all - 1);
    assert!(r.hits.iter().all(|h| !h.snippet_html.contains("entrepots")));
    let r = search(&index, "livraison +colis", &["a"]);
    assert_eq!(r.total, 1);
    assert_eq!(search(&index, "-livraison", &["a"]).total, 0);
}

#[tokio::test]
async fn prefix_mode_completes_the_last_word() {
    let (_fx, index) = corpus().await;
    assert_eq!(search(&index, "livrai", &["a"]).total, 0);
    let req = SearchRequest {
        prefix: true,
        ..SearchRequest::new("délai livrai", &["a"])
    };
    let r = index.search(&req).expect("search");
    assert!(r.total >= 3, "{}", r.total);
    assert_eq!(r.hits[0].heading_path, vec!["Livraison", "Délais"]);
    assert!(
        r.hits
            .iter()
            .any(|h| h.snippet_html.contains("<mark>livraison</mark>")),
        "{:?}",
        r.hits
    );
    // A finished word (followed by a space) is not a prefix any more.
    let req = SearchRequest {
        prefix: true,
        ..SearchRequest::new("livrai ", &["a"])
    };
    assert_eq!(index.search(&req).expect("search").total, 0);
}

#[tokio::test]
async fn titles_and_headings_are_searched_with_adjustable_weights() {
    let (_fx, index) = corpus().await;
    // Words found only in a title, only in a heading.
    let r = search(&index, "retard", &["a"]);
    assert_eq!(titles(&r), vec!["Re: retard de livraison"]);
    let r = search(&index, "intérieur", &["a"]);
    assert_eq!(titles(&r), vec!["Règlement intérieur"]);
    let r = search(&index, "stockage", &["a"]);
    assert_eq!(r.total, 1);
    assert_eq!(r.hits[0].heading_path, vec!["Livraison", "Stockage"]);
    // "règlement" is the title of one document and a word of another's passage: an index
    // tuned for titles to dominate says so.
    assert_eq!(index.field_weights(), FieldWeights::default());
    index.set_field_weights(FieldWeights {
        title: 3.0,
        headings: 1.5,
        body: 1.0,
    });
    let r = search(&index, "règlement", &["a"]);
    assert_eq!(r.hits[0].title, "Règlement intérieur", "{:?}", titles(&r));
    index.set_field_weights(FieldWeights {
        title: 0.1,
        headings: 0.1,
        body: 1.0,
    });
    let r = search(&index, "règlement", &["a"]);
    assert_eq!(
        r.hits[0].title,
        "Conditions de livraison",
        "{:?}",
        titles(&r)
    );
}

#[tokio::test]
async fn empty_queries_are_refused() {
    let (_fx, index) = corpus().await;
    for q in ["", "   ", "\t\n", " \" - + "] {
        let err = index.search(&SearchRequest::new(q, &["a"])).unwrap_err();
        assert!(matches!(err, IndexError::EmptyQuery), "{q:?}: {err}");
    }
    // Only stop words: nothing to find, but not an error.
    assert_eq!(search(&index, "le la les de", &["a"]).total, 0);
}

#[tokio::test]
async fn filters_narrow_results_and_facets() {
    let (fx, index) = corpus().await;
    let with = |filters: Filters| {
        index
            .search(&SearchRequest {
                filters,
                ..SearchRequest::new("livraison", &["a"])
            })
            .expect("search")
    };
    let all = with(Filters::default());
    assert_eq!(
        all.facets.media_types,
        vec![("text/markdown".into(), 3), ("message/rfc822".into(), 1)]
    );
    assert_eq!(all.facets.sources, vec![(fx.docs, 3), (fx.mail, 1)]);
    assert_eq!(all.facets.languages, vec![("fr".into(), 4)]);

    let mail = with(Filters {
        media_types: vec!["message/RFC822".into()],
        ..Filters::default()
    });
    assert_eq!(titles(&mail), vec!["Re: retard de livraison"]);
    assert_eq!(mail.facets.media_types, vec![("message/rfc822".into(), 1)]);
    let by_source = with(Filters {
        source_ids: vec![fx.docs],
        ..Filters::default()
    });
    assert_eq!(by_source.total, 3);
    let english = with(Filters {
        languages: vec!["en-GB".into()],
        ..Filters::default()
    });
    assert_eq!(english.total, 0);
    let future = Timestamp::now().plus(std::time::Duration::from_secs(3600));
    assert_eq!(
        with(Filters {
            date_from: Some(future),
            ..Filters::default()
        })
        .total,
        0
    );
    assert_eq!(
        with(Filters {
            date_from: Some(Timestamp(0)),
            date_to: Some(future),
            ..Filters::default()
        })
        .total,
        4
    );
    assert_eq!(
        with(Filters {
            date_to: Some(Timestamp(0)),
            ..Filters::default()
        })
        .total,
        0
    );
    assert_eq!(
        with(Filters {
            public_only: true,
            ..Filters::default()
        })
        .total,
        0
    );
}

#[tokio::test]
async fn pagination_walks_the_same_ranking() {
    let (_fx, index) = corpus().await;
    let page = |offset, limit| {
        index
            .search(&SearchRequest {
                offset,
                limit,
                ..SearchRequest::new("livraison délai colis", &["a"])
            })
            .expect("search")
    };
    let whole = page(0, 10);
    assert_eq!(whole.total, 4);
    let first = page(0, 2);
    let second = page(2, 2);
    assert_eq!((first.total, second.total), (4, 4));
    let paged: Vec<_> = first
        .hits
        .iter()
        .chain(&second.hits)
        .map(|h| h.chunk_id)
        .collect();
    let all: Vec<_> = whole.hits.iter().map(|h| h.chunk_id).collect();
    assert_eq!(paged, all);
    let counts_only = page(0, 0);
    assert_eq!((counts_only.total, counts_only.hits.len()), (4, 0));
    assert!(matches!(
        index.search(&SearchRequest {
            limit: 100_000,
            ..SearchRequest::new("livraison", &["a"])
        }),
        Err(IndexError::InvalidRequest(_))
    ));
}

#[tokio::test]
async fn collapse_keeps_the_best_chunk_per_document() {
    let (_fx, index) = corpus().await;
    let chunks = search(&index, "livraison", &["a"]);
    assert_eq!(chunks.total, 4);
    let req = SearchRequest {
        collapse_documents: true,
        ..SearchRequest::new("livraison", &["a"])
    };
    let docs = index.search(&req).expect("search");
    assert_eq!(docs.total, 2);
    assert_eq!(docs.facets.languages, vec![("fr".into(), 2)]);
    let mut ids: Vec<_> = docs.hits.iter().map(|h| h.document_id).collect();
    ids.dedup();
    assert_eq!(ids.len(), 2);
    // The kept chunk is the document's best one: the first hit of the per-chunk ranking.
    let best = chunks
        .hits
        .iter()
        .find(|h| h.document_id == docs.hits[0].document_id);
    assert_eq!(best.map(|h| h.chunk_id), Some(docs.hits[0].chunk_id));
    let second_page = index
        .search(&SearchRequest {
            offset: 1,
            limit: 1,
            ..req.clone()
        })
        .expect("search");
    assert_eq!(second_page.hits[0].document_id, docs.hits[1].document_id);
}

#[tokio::test]
async fn a_reader_never_sees_another_groups_document() {
    let (_fx, index) = corpus().await;
    // A word only in the group-b document: nothing at all for group a.
    let r = search(&index, "rémunérations", &["a"]);
    assert_eq!(r.total, 0);
    assert!(r.hits.is_empty());
    assert!(r.facets.media_types.is_empty());
    assert!(r.facets.languages.is_empty());
    assert!(r.facets.sources.is_empty());
    let r = search(&index, "rémunérations direction", &["a"]);
    assert_eq!(r.total, 0);
    // The same word for group b, with its snippet.
    let r = search(&index, "rémunérations", &["b"]);
    assert_eq!(r.total, 1);
    assert!(
        r.hits[0]
            .snippet_html
            .contains("<mark>rémunérations</mark>")
    );
    // A word in documents of both groups: counts, facets and snippets only see the allowed.
    let a = search(&index, "livraison", &["a"]);
    assert_eq!(a.total, 4);
    assert!(a.hits.iter().all(|h| !h.snippet_html.contains("bulletins")));
    let b = search(&index, "livraison", &["b"]);
    assert_eq!(b.total, 1);
    assert_eq!(b.facets.languages, vec![("fr".into(), 1)]);
    assert_eq!(titles(&b), vec!["Grille de la direction"]);
    let both = search(&index, "livraison", &["a", "B "]);
    assert_eq!(both.total, 5);
    // Prefix expansion and phrases go through the same access clause.
    let req = SearchRequest {
        prefix: true,
        ..SearchRequest::new("rémun", &["a"])
    };
    assert_eq!(index.search(&req).expect("search").total, 0);
    assert_eq!(
        search(&index, "\"rémunérations de la direction\"", &["a"]).total,
        0
    );
}

#[tokio::test]
async fn a_document_in_two_groups_is_visible_to_both() {
    let (_fx, index) = corpus().await;
    for group in ["a", "b"] {
        let r = search(&index, "horaires d'ouverture", &[group]);
        assert_eq!(titles(&r), vec!["Règlement intérieur"], "group {group}");
    }
    assert_eq!(search(&index, "horaires", &["c"]).total, 0);
}

#[tokio::test]
async fn no_groups_means_no_results() {
    let (_fx, index) = corpus().await;
    let none: [&str; 0] = [];
    let r = search(&index, "livraison", &none);
    assert_eq!((r.total, r.hits.len()), (0, 0));
    assert_eq!(search(&index, "livraison", &["", "  "]).total, 0);
}

#[tokio::test]
async fn a_heading_repeating_the_title_is_not_counted_twice() {
    let fx = common::fixture().await;
    let body = "Le parking du personnel est au sous-sol.";
    fx.put(doc(
        &fx,
        "a.md",
        "Parking",
        "fr",
        &["a"],
        &[(&["Parking"], body)],
    ))
    .await;
    fx.put(doc(&fx, "b.md", "Parking", "fr", &["a"], &[(&[], body)]))
        .await;
    let index = fx.open_index();
    index.sync(&fx.store).await.expect("sync");
    let r = search(&index, "parking", &["a"]);
    assert_eq!(r.total, 2);
    assert_eq!(r.hits[0].score, r.hits[1].score);
    assert_eq!(
        r.hits
            .iter()
            .filter(|h| h.heading_path == ["Parking"])
            .count(),
        1
    );
}

#[tokio::test]
async fn a_group_on_every_passage_filters_and_scores_as_any_other() {
    let fx = fixture().await;
    let shared = doc(
        &fx,
        "parking.md",
        "Parking",
        "fr",
        &["a", "b"],
        &[(
            &[],
            "Le parking du personnel est au sous-sol, badge obligatoire.",
        )],
    );
    fx.put(shared).await;
    let other = doc(
        &fx,
        "cantine.md",
        "Cantine",
        "fr",
        &["a"],
        &[(
            &[],
            "La cantine ouvre à midi ; le badge sert aussi au paiement.",
        )],
    );
    fx.put(other).await;
    let index = fx.open_index();
    index.sync(&fx.store).await.expect("sync");

    // `a` is on every passage (the clause matches all), `b` on one (postings are walked).
    let everyone = search(&index, "badge parking", &["a"]);
    let hr = search(&index, "badge parking", &["b"]);
    assert_eq!(titles(&everyone), ["Parking", "Cantine"]);
    assert_eq!(titles(&hr), ["Parking"]);
    assert_eq!((everyone.total, hr.total), (2, 1));
    assert_eq!(
        everyone.hits[0].score, hr.hits[0].score,
        "the access clause adds nothing to a score, whichever way it matches"
    );
    assert_eq!(search(&index, "badge", &["c"]).total, 0);
}
