//! Semantic and hybrid retrieval with the real model (multilingual-e5-small): a paraphrase
//! finds the passage that answers it where the words alone do not, access groups and filters
//! apply to dense hits, the follower and the embedding task keep vectors in step with the
//! store, and a model change keeps search answering until the new model's vectors are ready.
//!
//! Needs the model's weights (`LEVIER_TEST_MODEL_DIR`); without them each test says it did not
//! run and passes (under CI it fails: see `levier_ml::testing::model_dir`).

mod common;

use common::{Fixture, doc, fixture};
use levier_core::config::TaskConfig;
use levier_core::ids::{DocumentId, SourceId};
use levier_index::semantic::embed::{EmbedProgress, EmbedReport, embed_pending};
use levier_index::semantic::follow::{self, Models};
use levier_index::semantic::task::{EMBED_TASK, register_task};
use levier_index::semantic::{DenseLimits, SemanticSearch, active_model, register};
use levier_index::vector::VectorConfig;
use levier_index::{Filters, IndexError, Mode, Retrieved, Retriever, SearchRequest, SemanticState};
use levier_ml::{ModelCatalog, SentenceEncoder};
use levier_store::documents::NewDocument;
use levier_store::tasks::{Runner, TaskStatus};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// The question, worded unlike the document that answers it.
const PARAPHRASE: &str = "mon colis n'est jamais arrivé";
/// The title of the document that answers it.
const LATE_ORDER: &str = "Que faire si ma commande n'a pas été livrée ?";
/// Every group of the fixture.
const ALL: &[&str] = &["a", "b"];
/// How long the follower and the task get to do their work.
const PATIENCE: Duration = Duration::from_secs(60);
/// The follower's period.
const EVERY: Duration = Duration::from_millis(100);

/// A small French corpus: (external id, title, body). None of the paraphrase's words
/// (colis, jamais, arrivé) is in the answering document, and no document has them all.
const CORPUS: &[(&str, &str, &str)] = &[
    (
        "livraison.md",
        LATE_ORDER,
        "Si votre commande ne vous est pas parvenue à la date prévue, contactez le service \
         client avec votre numéro de commande. Nous ouvrons une enquête auprès du transporteur \
         et vous renvoyons les articles ou vous remboursons sous 48 heures.",
    ),
    (
        "accueil.md",
        "Accueil des nouveaux salariés",
        "Le jour de son arrivée, chaque nouveau salarié reçoit son badge d'accès à l'accueil et \
         rencontre son tuteur.",
    ),
    (
        "retours.md",
        "Retourner un article",
        "Vous disposez de trente jours pour renvoyer un produit qui ne vous convient pas. \
         Imprimez l'étiquette de retour depuis votre espace client.",
    ),
    (
        "conges.md",
        "Poser des congés payés",
        "Les demandes de congés se font dans l'outil RH au moins deux semaines à l'avance ; le \
         responsable les valide sous trois jours.",
    ),
    (
        "facture.md",
        "Télécharger une facture",
        "Les factures sont disponibles au format PDF dans la rubrique Mes achats de votre espace \
         client.",
    ),
    (
        "mot-de-passe.md",
        "Réinitialiser son mot de passe",
        "Cliquez sur « Mot de passe oublié » sur la page de connexion : un lien valable une \
         heure vous est envoyé par e-mail.",
    ),
    (
        "teletravail.md",
        "Télétravail",
        "Les salariés peuvent travailler à domicile jusqu'à deux jours par semaine après accord \
         de leur responsable.",
    ),
    (
        "garantie.md",
        "Garantie des produits",
        "Tous nos appareils sont garantis deux ans, pièces et main-d'œuvre ; la garantie couvre \
         les pannes, pas la casse.",
    ),
    (
        "paiement.md",
        "Moyens de paiement acceptés",
        "Nous acceptons la carte bancaire, le virement et le paiement en trois fois sans frais \
         au-delà de 100 euros.",
    ),
    (
        "notes-de-frais.md",
        "Notes de frais",
        "Les notes de frais sont remboursées avec la paie du mois suivant, sur présentation des \
         justificatifs.",
    ),
    (
        "parking.md",
        "Parking du siège",
        "Le parking est réservé aux salariés munis d'une vignette ; les visiteurs se garent sur \
         le parking public voisin.",
    ),
    (
        "incendie.md",
        "Consignes en cas d'incendie",
        "En cas d'alarme, évacuez par l'escalier le plus proche et rejoignez le point de \
         rassemblement devant le bâtiment.",
    ),
];

/// The imported model directory, or None (the test then returns: it did not run).
fn model_dir() -> Option<PathBuf> {
    levier_ml::testing::model_dir()
}

fn load_encoder(dir: &Path) -> Arc<SentenceEncoder> {
    Arc::new(SentenceEncoder::load(dir, "multilingual-e5-small").expect("load the model"))
}

/// A French one-passage document of the `docs` source.
fn french(fx: &Fixture, external_id: &str, title: &str, body: &str, group: &str) -> NewDocument {
    doc(fx, external_id, title, "fr", &[group], &[(&[title], body)])
}

/// Stores [`CORPUS`] (the late-order document in `late_group`, the others in `a`); returns
/// the late-order document's id.
async fn store_corpus(fx: &Fixture, late_group: &str) -> DocumentId {
    let mut late = None;
    for &(external_id, title, body) in CORPUS {
        let group = if title == LATE_ORDER { late_group } else { "a" };
        let id = fx.put(french(fx, external_id, title, body, group)).await;
        if title == LATE_ORDER {
            late = Some(id);
        }
    }
    late.expect("the corpus has the late-order document")
}

/// Reports nothing and never stops.
struct Quiet;

impl EmbedReport for Quiet {
    async fn report(&mut self, _: EmbedProgress) -> bool {
        true
    }
}

/// The index synced with the store and every chunk embedded: a retriever with semantic search
/// ready.
async fn ready_retriever(fx: &Fixture, encoder: &Arc<SentenceEncoder>) -> Arc<Retriever> {
    let index = Arc::new(fx.open_index());
    index.sync(&fx.store).await.expect("sync");
    let model = register(&fx.store, encoder).await.expect("register model");
    embed_pending(&fx.store, encoder, &model, &mut Quiet)
        .await
        .expect("embed");
    let count = fx.store.vector_count(model.id).await.expect("count");
    assert_eq!(count.pending(), 0, "every chunk embedded: {count:?}");
    let semantic = SemanticSearch::load(&fx.store, encoder.clone(), VectorConfig::default())
        .await
        .expect("load vectors");
    assert_eq!(semantic.vectors().len(), index.chunk_count() as usize);
    let retriever = Arc::new(Retriever::new(index));
    retriever.set_semantic(SemanticState::Ready(Arc::new(semantic)));
    retriever
}

fn request(query: &str, groups: &[&str]) -> SearchRequest {
    SearchRequest {
        collapse_documents: true,
        ..SearchRequest::new(query, groups)
    }
}

fn run(retriever: &Retriever, req: &SearchRequest, mode: Option<Mode>) -> Retrieved {
    retriever
        .search(req, mode)
        .unwrap_or_else(|e| panic!("search {:?} in {mode:?}: {e}", req.query))
}

fn titles(r: &Retrieved) -> Vec<&str> {
    r.results.hits.iter().map(|h| h.title.as_str()).collect()
}

fn documents(r: &Retrieved) -> Vec<DocumentId> {
    r.results.hits.iter().map(|h| h.document_id).collect()
}

#[tokio::test]
async fn a_paraphrase_finds_the_answer_by_meaning_not_by_words() {
    let Some(dir) = model_dir() else { return };
    let fx = fixture().await;
    let late = store_corpus(&fx, "a").await;
    let retriever = ready_retriever(&fx, &load_encoder(&dir)).await;
    let req = request(PARAPHRASE, ALL);

    let lexical = run(&retriever, &req, Some(Mode::Lexical));
    assert_eq!(lexical.mode, Mode::Lexical);
    assert_eq!(
        (lexical.results.total, titles(&lexical)),
        (0, vec![]),
        "no document has all the question's words"
    );

    for mode in [Mode::Dense, Mode::Hybrid] {
        let found = run(&retriever, &req, Some(mode));
        assert_eq!(found.mode, mode);
        assert_eq!(found.notice, None);
        assert_eq!(
            documents(&found).first(),
            Some(&late),
            "{mode:?} ranks the answer first: {:?}",
            titles(&found)
        );
        let ids = documents(&found);
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "one result per document: {ids:?}");
        assert_eq!(found.results.total as usize, CORPUS.len(), "{mode:?}");
    }
    // Without a mode, a loaded model means hybrid.
    let default = run(&retriever, &req, None);
    assert_eq!(default.mode, Mode::Hybrid);
    assert_eq!(documents(&default).first(), Some(&late));

    // Other wordings, other topics: found by meaning too.
    for (question, answer) in [
        (
            "je n'arrive plus à me connecter",
            "Réinitialiser son mot de passe",
        ),
        ("où garer ma voiture", "Parking du siège"),
        ("l'alarme incendie sonne", "Consignes en cas d'incendie"),
    ] {
        let found = run(&retriever, &request(question, ALL), Some(Mode::Dense));
        assert_eq!(
            titles(&found).first().copied(),
            Some(answer),
            "{question}: {:?}",
            titles(&found)
        );
    }

    assert_empty_queries_are_refused(&retriever);
}

#[tokio::test]
async fn dense_and_hybrid_never_show_another_groups_document() {
    let Some(dir) = model_dir() else { return };
    let fx = fixture().await;
    let late = store_corpus(&fx, "b").await;
    let retriever = ready_retriever(&fx, &load_encoder(&dir)).await;

    // A member of both groups finds it: the test below is not vacuous.
    for mode in [Mode::Dense, Mode::Hybrid] {
        let found = run(&retriever, &request(PARAPHRASE, ALL), Some(mode));
        assert_eq!(documents(&found).first(), Some(&late), "{mode:?}");
    }
    let b_documents = [late];
    for mode in [Mode::Dense, Mode::Hybrid] {
        for req in [
            request(PARAPHRASE, &["a"]),
            request(LATE_ORDER, &["a"]),
            SearchRequest {
                limit: 100,
                ..SearchRequest::new(PARAPHRASE, &["a"])
            },
        ] {
            let found = run(&retriever, &req, Some(mode));
            assert!(
                !found.results.hits.is_empty(),
                "{mode:?}: dense search finds the reader's documents"
            );
            assert!(
                found
                    .results
                    .hits
                    .iter()
                    .all(|h| !b_documents.contains(&h.document_id)),
                "{mode:?} {:?}: a document of group b shown to a reader of a: {:?}",
                req.query,
                titles(&found)
            );
            assert_eq!(
                found.results.total as usize,
                CORPUS.len() - 1,
                "{mode:?}: counts only readable documents"
            );
            let counted: u64 = found.results.facets.sources.iter().map(|(_, n)| n).sum();
            assert_eq!(counted, found.results.total, "{mode:?}: facets too");
        }
        // A reader of group b alone sees only that document; a reader of no group, nothing.
        let only_b = run(&retriever, &request(PARAPHRASE, &["b"]), Some(mode));
        assert_eq!(documents(&only_b), vec![late], "{mode:?}");
        let nobody = run(&retriever, &request(PARAPHRASE, &[] as &[&str]), Some(mode));
        assert!(nobody.results.hits.is_empty(), "{mode:?}");
        assert_eq!(nobody.results.total, 0, "{mode:?}");
    }
}

/// A customer's e-mail asking where their order is, in the `mail` source.
fn customer_mail(fx: &Fixture) -> NewDocument {
    NewDocument {
        source_id: fx.mail,
        media_type: "message/rfc822".into(),
        ..french(
            fx,
            "<retard-42@client.example>",
            "Toujours rien reçu",
            "Bonjour, ma commande passée il y a deux semaines n'a toujours pas été livrée. \
             Pouvez-vous me dire où elle en est ? Merci.",
            "a",
        )
    }
}

#[tokio::test]
async fn filters_apply_to_dense_hits() {
    let Some(dir) = model_dir() else { return };
    let fx = fixture().await;
    let late = store_corpus(&fx, "a").await;
    let mail = fx.put(customer_mail(&fx)).await;
    let retriever = ready_retriever(&fx, &load_encoder(&dir)).await;

    for mode in [Mode::Dense, Mode::Hybrid] {
        let all = run(&retriever, &request(PARAPHRASE, ALL), Some(mode));
        let top2 = &documents(&all)[..2];
        assert!(
            top2.contains(&late) && top2.contains(&mail),
            "{mode:?}: the answer and the e-mail are the two closest: {:?}",
            titles(&all)
        );

        let filtered = |filters: Filters| {
            run(
                &retriever,
                &SearchRequest {
                    filters,
                    ..request(PARAPHRASE, ALL)
                },
                Some(mode),
            )
        };
        let sources = |r: &Retrieved| -> Vec<SourceId> {
            r.results.hits.iter().map(|h| h.source_id).collect()
        };

        let docs_only = filtered(Filters {
            source_ids: vec![fx.docs],
            ..Filters::default()
        });
        assert_eq!(documents(&docs_only).first(), Some(&late), "{mode:?}");
        assert!(
            sources(&docs_only).iter().all(|s| *s == fx.docs),
            "{mode:?}: {:?}",
            titles(&docs_only)
        );
        assert_eq!(docs_only.results.total as usize, CORPUS.len(), "{mode:?}");

        let mail_only = filtered(Filters {
            source_ids: vec![fx.mail],
            ..Filters::default()
        });
        assert_eq!(documents(&mail_only), vec![mail], "{mode:?}");

        let by_type = filtered(Filters {
            media_types: vec!["message/rfc822".into()],
            ..Filters::default()
        });
        assert_eq!(documents(&by_type), vec![mail], "{mode:?}");

        let markdown = filtered(Filters {
            media_types: vec!["text/markdown".into()],
            ..Filters::default()
        });
        assert!(!documents(&markdown).contains(&mail), "{mode:?}");
        assert_eq!(documents(&markdown).first(), Some(&late), "{mode:?}");

        let english = filtered(Filters {
            languages: vec!["en".into()],
            ..Filters::default()
        });
        assert!(
            english.results.hits.is_empty(),
            "{mode:?}: no English passage: {:?}",
            titles(&english)
        );

        let public = filtered(Filters {
            public_only: true,
            ..Filters::default()
        });
        assert!(
            public.results.hits.is_empty(),
            "{mode:?}: nothing is public: {:?}",
            titles(&public)
        );
    }
}

#[tokio::test]
async fn without_a_model_searches_are_lexical_and_say_why() {
    let fx = fixture().await;
    let late = store_corpus(&fx, "a").await;
    let index = Arc::new(fx.open_index());
    index.sync(&fx.store).await.expect("sync");
    let retriever = Retriever::new(index);
    retriever.set_semantic(SemanticState::Unavailable("no model here".into()));
    assert_eq!(retriever.default_mode(), Mode::Lexical);

    let words = request("commande livrée", ALL);
    for mode in [Mode::Hybrid, Mode::Dense] {
        let r = run(&retriever, &words, Some(mode));
        assert_eq!(r.mode, Mode::Lexical, "{mode:?}");
        let notice = r.notice.clone().expect("a notice says why");
        assert!(notice.contains("no model here"), "{notice}");
        assert_eq!(documents(&r), vec![late], "{mode:?}: the lexical results");
    }
    let default = run(&retriever, &words, None);
    assert_eq!(default.mode, Mode::Lexical);
    assert_eq!(
        default.notice, None,
        "lexical was not asked to be anything else"
    );
    assert_eq!(documents(&default), vec![late]);
    let lexical = run(&retriever, &words, Some(Mode::Lexical));
    assert_eq!((lexical.mode, lexical.notice), (Mode::Lexical, None));

    assert_empty_queries_are_refused(&retriever);
}

/// Queries with nothing to search for are refused in every mode.
fn assert_empty_queries_are_refused(retriever: &Retriever) {
    for query in ["", "   ", "\t\n", "?!"] {
        for mode in [
            None,
            Some(Mode::Lexical),
            Some(Mode::Dense),
            Some(Mode::Hybrid),
        ] {
            assert!(
                matches!(
                    retriever.search(&request(query, ALL), mode),
                    Err(IndexError::EmptyQuery)
                ),
                "{query:?} in {mode:?}"
            );
        }
    }
}

/// A models directory holding the real model under each of `names` (symbolic links: the
/// same weights, but each name is its own model in the store).
fn catalog(real: &Path, names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in names {
        std::os::unix::fs::symlink(real, dir.path().join(name)).expect("symlink");
    }
    dir
}

/// Polls `check` until it returns Some, or panics after [`PATIENCE`] saying `what`.
async fn wait_for<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            start.elapsed() < PATIENCE,
            "timed out after {PATIENCE:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The embedding tasks' statuses and payload models, oldest first.
async fn embed_tasks(fx: &Fixture) -> Vec<(TaskStatus, String)> {
    let mut tasks: Vec<_> = fx
        .store
        .recent_tasks(100)
        .await
        .expect("tasks")
        .into_iter()
        .filter(|t| t.kind == EMBED_TASK)
        .map(|t| {
            (
                t.status,
                t.payload["model"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    tasks.reverse();
    tasks
}

/// The dense search's first document for `query`, if semantic search is ready.
fn dense_first(retriever: &Retriever, query: &str) -> Option<DocumentId> {
    retriever.semantic()?;
    let r = run(retriever, &request(query, ALL), Some(Mode::Dense));
    (r.mode == Mode::Dense).then_some(())?;
    documents(&r).first().copied()
}

/// Whether the loaded vectors hold a passage of `document` (asked of the vector index
/// itself, so the lexical index's own following cannot hide a stale vector).
fn has_vectors(retriever: &Retriever, query: &str, document: DocumentId) -> bool {
    let semantic = retriever.semantic().expect("semantic search ready");
    let groups: Vec<String> = ALL.iter().map(|g| g.to_string()).collect();
    let found = semantic
        .search(
            query,
            &groups,
            &[],
            DenseLimits {
                passages: 1000,
                titles: 1000,
            },
        )
        .expect("vector search");
    found
        .passages
        .hits
        .iter()
        .chain(&found.titles.hits)
        .any(|h| h.document_id == document)
}

/// The lexical index and the semantic follower following the store, and a task runner with
/// the embedding task, until dropped.
struct Node {
    stop: watch::Sender<bool>,
    handles: Vec<tokio::task::JoinHandle<()>>,
}

impl Node {
    fn start(
        fx: &Fixture,
        retriever: &Arc<Retriever>,
        models: &Arc<Models>,
        with_runner: bool,
    ) -> Node {
        let (stop, stopped) = watch::channel(false);
        let mut handles = vec![
            tokio::spawn(retriever.lexical().clone().follow(
                fx.store.clone(),
                EVERY,
                stopped.clone(),
            )),
            tokio::spawn(follow::follow(
                retriever.clone(),
                fx.store.clone(),
                models.clone(),
                EVERY,
                true,
                stopped.clone(),
            )),
        ];
        if with_runner {
            let runner = register_task(
                Runner::new(fx.store.clone(), "semantic-test", TaskConfig::default()),
                models.clone(),
            );
            handles.push(tokio::spawn(async move {
                runner.run(stopped).await.expect("runner");
            }));
        }
        Node { stop, handles }
    }

    async fn stop(self) {
        let _ = self.stop.send(true);
        for h in self.handles {
            tokio::time::timeout(PATIENCE, h)
                .await
                .expect("stopped in time")
                .expect("no panic");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_follower_and_the_task_keep_dense_search_in_step_with_the_store() {
    let Some(real) = model_dir() else { return };
    let models_dir = catalog(&real, &["e5"]);
    let fx = fixture().await;
    let late = store_corpus(&fx, "a").await;
    let retriever = Arc::new(Retriever::new(Arc::new(fx.open_index())));
    let models = Models::new(
        ModelCatalog::new(models_dir.path()),
        "e5",
        VectorConfig::default(),
    );
    let node = Node::start(&fx, &retriever, &models, true);

    wait_for("the embedding task to succeed", || async {
        let tasks = embed_tasks(&fx).await;
        tasks
            .iter()
            .any(|(s, _)| *s == TaskStatus::Succeeded)
            .then_some(())
    })
    .await;
    let tasks = embed_tasks(&fx).await;
    assert_eq!(tasks, vec![(TaskStatus::Succeeded, "e5".to_string())]);
    assert_eq!(
        active_model(&fx.store).await.expect("meta").map(|m| m.name),
        Some("e5".to_string())
    );
    wait_for("dense search to find the answer", || async {
        (dense_first(&retriever, PARAPHRASE) == Some(late)).then_some(())
    })
    .await;
    // The follower loads the task's vectors as their changes arrive: the answer may be found
    // before the last passage is in.
    wait_for("every passage's vector to be loaded", || async {
        let semantic = retriever.semantic()?;
        (semantic.vectors().len() == CORPUS.len()).then_some(())
    })
    .await;
    assert_eq!(retriever.semantic().expect("ready").model().name, "e5");

    // A document stored later is embedded by a new task and found by meaning.
    let plants = fx
        .put(french(
            &fx,
            "plantes.md",
            "Arrosage des plantes du bureau",
            "Les plantes vertes de l'open space sont arrosées chaque lundi par la société \
             d'entretien ; ne les arrosez pas vous-même.",
            "a",
        ))
        .await;
    let question = "qui s'occupe de donner de l'eau aux végétaux ?";
    wait_for("the new document to be found by meaning", || async {
        (dense_first(&retriever, question) == Some(plants)).then_some(())
    })
    .await;
    assert!(has_vectors(&retriever, question, plants));
    wait_for("the second embedding task to succeed", || async {
        let tasks = embed_tasks(&fx).await;
        (tasks.len() == 2 && tasks.iter().all(|(s, _)| *s == TaskStatus::Succeeded)).then_some(())
    })
    .await;
    assert_eq!(
        retriever.semantic().expect("ready").vectors().len(),
        CORPUS.len() + 1
    );

    // A removed document leaves the vectors, not only the lexical index.
    assert!(fx.store.remove_document(plants).await.expect("remove"));
    wait_for("the removed document to leave the vectors", || async {
        (!has_vectors(&retriever, question, plants)).then_some(())
    })
    .await;
    let r = run(&retriever, &request(question, ALL), Some(Mode::Dense));
    assert!(!documents(&r).contains(&plants), "{:?}", titles(&r));
    assert_eq!(
        retriever.semantic().expect("ready").vectors().len(),
        CORPUS.len()
    );
    assert_eq!(dense_first(&retriever, PARAPHRASE), Some(late));

    node.stop().await;
    assert_eq!(embed_tasks(&fx).await.len(), 2, "no task for a removal");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_change_keeps_answering_with_the_old_model_until_the_new_one_is_ready() {
    let Some(real) = model_dir() else { return };
    let models_dir = catalog(&real, &["e5-a", "e5-b"]);
    let fx = fixture().await;
    let late = store_corpus(&fx, "a").await;
    let retriever = Arc::new(Retriever::new(Arc::new(fx.open_index())));

    // Model A: embedded and active.
    let models_a = Models::new(
        ModelCatalog::new(models_dir.path()),
        "e5-a",
        VectorConfig::default(),
    );
    let node = Node::start(&fx, &retriever, &models_a, true);
    wait_for("model A to answer", || async {
        let tasks = embed_tasks(&fx).await;
        (tasks
            .first()
            .is_some_and(|(s, _)| *s == TaskStatus::Succeeded)
            && dense_first(&retriever, PARAPHRASE) == Some(late))
        .then_some(())
    })
    .await;
    node.stop().await;
    let a = active_model(&fx.store)
        .await
        .expect("meta")
        .expect("active");
    assert_eq!(a.name, "e5-a");
    assert_eq!(retriever.semantic().expect("ready").model().id, a.id);

    // Model B wanted: the follower asks for B's vectors and keeps serving A meanwhile.
    let models_b = Models::new(
        ModelCatalog::new(models_dir.path()),
        "e5-b",
        VectorConfig::default(),
    );
    let node = Node::start(&fx, &retriever, &models_b, false);
    wait_for("the embedding task for B to be enqueued", || async {
        let tasks = embed_tasks(&fx).await;
        tasks
            .iter()
            .any(|(s, m)| *s == TaskStatus::Queued && m == "e5-b")
            .then_some(())
    })
    .await;
    // Give the follower a few more ticks to (wrongly) switch if it were going to.
    tokio::time::sleep(EVERY * 5).await;
    let serving = retriever.semantic().expect("still ready");
    assert_eq!(serving.model().name, "e5-a", "A answers until B is ready");
    assert_eq!(serving.vectors().len(), CORPUS.len());
    let r = run(&retriever, &request(PARAPHRASE, ALL), None);
    assert_eq!(r.mode, Mode::Hybrid);
    assert_eq!(documents(&r).first(), Some(&late));
    assert_eq!(
        active_model(&fx.store).await.expect("meta").map(|m| m.name),
        Some("e5-a".into())
    );
    let names = |models: Vec<levier_store::vectors::EmbeddingModel>| -> Vec<String> {
        models.into_iter().map(|m| m.name).collect()
    };
    assert_eq!(
        names(fx.store.embedding_models().await.expect("models")),
        vec!["e5-a".to_string(), "e5-b".to_string()],
        "B registered beside A"
    );

    // B's task runs: B becomes active, A's vectors go, the follower loads B.
    let runner = register_task(
        Runner::new(fx.store.clone(), "semantic-test-b", TaskConfig::default()),
        models_b.clone(),
    );
    assert!(runner.run_one().await.expect("run the task"));
    let tasks = embed_tasks(&fx).await;
    assert_eq!(
        tasks.last(),
        Some(&(TaskStatus::Succeeded, "e5-b".to_string())),
        "{tasks:?}"
    );
    let b = active_model(&fx.store)
        .await
        .expect("meta")
        .expect("active");
    assert_eq!(b.name, "e5-b");
    assert_eq!(
        names(fx.store.embedding_models().await.expect("models")),
        vec!["e5-b".to_string()],
        "A's vectors deleted"
    );
    assert_eq!(fx.store.vector_count(a.id).await.expect("count").vectors, 0);
    wait_for("the follower to load B", || async {
        retriever
            .semantic()
            .is_some_and(|s| s.model().id == b.id)
            .then_some(())
    })
    .await;
    let serving = retriever.semantic().expect("ready");
    assert_eq!(serving.vectors().len(), CORPUS.len());
    assert_eq!(dense_first(&retriever, PARAPHRASE), Some(late));
    let r = run(&retriever, &request(PARAPHRASE, ALL), Some(Mode::Hybrid));
    assert_eq!(documents(&r).first(), Some(&late));
    node.stop().await;
    assert!(
        embed_tasks(&fx)
            .await
            .iter()
            .all(|(s, _)| *s == TaskStatus::Succeeded),
        "no task left"
    );
}
