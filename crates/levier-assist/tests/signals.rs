//! Handoff signals on the demo company's labelled customer messages, and on bad input.
//!
//! `tests/data/support_messages.csv` holds the messages the support assistant is evaluated
//! on, written as customers of Ergolis (the demo company: ergonomic office furniture) would
//! write them — paraphrases, typos, SMS spellings, some English — never copied from the FAQ's
//! variants. Columns:
//!
//! - `message`: the customer's message, alone (a first message in a conversation);
//! - `expected`: `answer` (an FAQ entry answers it), `clarify` (two entries could, a question
//!   back decides), or `handoff` (a person must take over);
//! - `faq_question`: for `answer`, the exact `question` of the entry in `demo/faq.csv`; for
//!   `clarify`, the two candidates separated by ` | `; empty for `handoff`;
//! - `reason`: for `handoff`, `unhappy`, `human_request`, `sensitive_topic` (per
//!   `tests/data/sensitive_topics.toml`) or `out_of_scope` (nothing in the FAQ or the public
//!   documents answers it); empty otherwise;
//! - `language`: `fr` or `en`;
//! - `note`: what the row tests, when not obvious.
//!
//! The test below prints recall per reason and the false alarms (rows that should not
//! trigger but do): `cargo test -p levier-assist --test signals -- --nocapture`.
//!
//! The lexicon and the first 183 rows were written together, so those rows measure little
//! beyond consistency. The last 60 rows were written afterwards and run once before any
//! change: recall was 15/20 unhappy, 11/12 human_request, 7/8 sensitive_topic, with 0 of 20
//! false alarms. The lexicon was then extended for the misses it could generalise from
//! ("pénible", "hors de moi", "unhappy", "me contacter" after "pourriez-vous", "€2,400
//! back"), so today's figures on the whole file are an upper bound; expect misses in the
//! order of that first run on real conversations. The FAQ's own questions and variants,
//! written by someone else, are a second check on false alarms.

mod common;

use common::{FAQ, rows, sensitive_config as config};
use levier_assist::signals::{
    Cue, SensitiveConfig, Signal, SignalDetector, SignalKind, euro_amounts,
};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const COMPANY: &str = include_str!("../../../demo/company.toml");

/// Lowest recall accepted for each handoff reason the signals detect.
const MIN_RECALL: f64 = 0.9;
/// Most rows that must not trigger (answer, clarify, out of scope) that may trigger.
const MAX_FALSE_ALARMS: usize = 2;

fn detector() -> SignalDetector {
    SignalDetector::new(&config()).expect("lexicon and topics compile")
}

fn kinds(signals: &[Signal]) -> Vec<SignalKind> {
    signals.iter().map(|s| s.kind).collect()
}

#[test]
fn the_labelled_set_is_well_formed() {
    let questions: Vec<String> = csv::Reader::from_reader(FAQ.as_bytes())
        .records()
        .map(|r| r.expect("faq row")[0].to_string())
        .collect();
    let rows = rows();
    assert!(rows.len() >= 150, "{} rows", rows.len());
    let mut counts = BTreeMap::new();
    for row in &rows {
        assert!(["fr", "en"].contains(&row.language.as_str()), "{row:?}");
        match row.expected.as_str() {
            "answer" => assert!(questions.contains(&row.faq_question), "{row:?}"),
            "clarify" => {
                let pair: Vec<&str> = row.faq_question.split(" | ").collect();
                assert_eq!(pair.len(), 2, "{row:?}");
                assert!(
                    pair.iter().all(|q| questions.iter().any(|f| f == q)),
                    "{row:?}"
                );
            }
            "handoff" => assert!(
                [
                    "unhappy",
                    "human_request",
                    "sensitive_topic",
                    "out_of_scope"
                ]
                .contains(&row.reason.as_str())
                    && row.faq_question.is_empty(),
                "{row:?}"
            ),
            other => panic!("expected {other:?}"),
        }
        *counts
            .entry((row.expected.as_str(), row.reason.as_str()))
            .or_insert(0) += 1;
    }
    println!("rows: {counts:?}");
}

#[test]
fn handoff_rows_are_detected_and_the_others_rarely() {
    let detector = detector();
    let mut recall: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut false_alarms = Vec::new();
    let rows = rows();
    for row in &rows {
        let signals = detector.detect(&row.message, &[]);
        let reason = row.reason.as_str();
        if ["unhappy", "human_request", "sensitive_topic"].contains(&reason) {
            let hit = signals.iter().any(|s| s.kind.reason() == reason);
            let entry = recall.entry(reason).or_default();
            entry.0 += usize::from(hit);
            entry.1 += 1;
            if !hit {
                println!(
                    "MISSED {reason}: {:?} -> {:?}",
                    row.message,
                    kinds(&signals)
                );
            }
        } else if !signals.is_empty() {
            println!(
                "FALSE ALARM ({} {reason}): {:?} -> {signals:?}",
                row.expected, row.message
            );
            false_alarms.push(row.message.clone());
        }
    }
    for (reason, (hits, total)) in &recall {
        let rate = *hits as f64 / *total as f64;
        println!("recall {reason}: {hits}/{total} = {rate:.3}");
        assert!(rate >= MIN_RECALL, "recall of {reason} is {rate:.3}");
    }
    println!("false alarms: {}", false_alarms.len());
    assert!(false_alarms.len() <= MAX_FALSE_ALARMS, "{false_alarms:?}");
}

#[test]
fn sensitive_topics_are_named() {
    let detector = detector();
    let topic = |message: &str| {
        detector
            .detect(message, &[])
            .into_iter()
            .find(|s| s.kind == SignalKind::SensitiveTopic)
            .and_then(|s| s.topic)
    };
    assert_eq!(
        topic("Ma banque lance un chargeback").as_deref(),
        Some("litige")
    );
    assert_eq!(
        topic("Je demande le remboursement de 1 200 € pour le bureau").as_deref(),
        Some("remboursement important")
    );
    assert_eq!(
        topic("Remboursement de 250 € SVP"),
        None,
        "below the threshold"
    );
    assert_eq!(
        topic("Le bureau à 450 € est-il en stock ?"),
        None,
        "no refund asked"
    );
    assert_eq!(
        topic("Comment supprimer mon compte ?"),
        None,
        "the FAQ answers it"
    );
}

#[test]
fn the_demo_company_mirrors_the_test_topics() {
    let company: toml::Table = toml::from_str(COMPANY).expect("company.toml parses");
    let sensitive = company["assistant"]["sensitive"].clone();
    let demo: SensitiveConfig = sensitive.try_into().expect("[assistant.sensitive] parses");
    assert_eq!(demo, config());
}

#[test]
fn ordinary_questions_trigger_nothing() {
    let detector = detector();
    for message in [
        "je voudrais annuler ma commande",
        "mon colis n'est pas arrivé",
        "Mon colis n'est toujours pas arrivé, que faire ?",
        "J'ai été débité deux fois",
        "Je peux payer en 3 fois ?",
        "Le câble du moteur est trop court",
        "Le livreur va m'appeler avant de venir ?",
        "Est-ce que le livreur peut m'appeler avant de venir ?",
        "Que me conseillez-vous pour un dos fragile ?",
        "C'est un produit pour l'agent d'entretien de notre immeuble",
        "Mon bureau ALTO affiche RST, le SAV peut m'aider ?",
        "toujours rien reçu !!",
        "J'ai parlé avec votre conseiller hier, il m'a conseillé l'Alto 160",
        "Plus jamais mal au dos depuis que j'ai l'Orbe !",
        "Je ne trouve pas de réponse dans la FAQ sur le poids du Solo",
        "La réception du colis s'est bien passée",
        "",
    ] {
        assert_eq!(detector.detect(message, &[]), [], "{message:?}");
    }
}

#[test]
fn cues_in_french_and_english() {
    let detector = detector();
    let cues = |message: &str| -> Vec<Cue> {
        detector
            .detect(message, &[])
            .iter()
            .map(|s| s.cue)
            .collect()
    };
    assert_eq!(cues("c nul"), [Cue::Anger]);
    assert_eq!(
        cues("C’EST INADMISSIBLE, JE VEUX MON COLIS"),
        [Cue::Anger, Cue::Shouting]
    );
    assert_eq!(cues("j’en ai marre"), [Cue::Anger]);
    assert_eq!(cues("je vais aller voir ailleurs"), [Cue::Leaving]);
    assert_eq!(cues("please cancel my account"), [Cue::Leaving]);
    assert_eq!(
        cues("mon avocat vous enverra une mise en demeure"),
        [Cue::Legal]
    );
    assert_eq!(cues("I'll sue you"), [Cue::Legal]);
    assert_eq!(cues("bande de voleurs"), [Cue::Insult]);
    assert_eq!(cues("quoi ???"), [Cue::Punctuation]);
    assert_eq!(cues("jveux un humain"), [Cue::PersonRequested]);
    assert_eq!(
        cues("service client au téléphone svp"),
        [Cue::PersonRequested]
    );
    assert_eq!(cues("I need an agent please"), [Cue::PersonRequested]);
}

#[test]
fn evidence_quotes_the_customer_and_reasons_are_event_codes() {
    let signals = detector().detect("Bonjour, c’est SCANDALEUX. Je veux un conseiller.", &[]);
    let evidence: Vec<&str> = signals.iter().map(|s| s.evidence.as_str()).collect();
    assert_eq!(evidence, ["SCANDALEUX", "veux un conseiller"]);
    let reasons: Vec<&str> = signals.iter().map(|s| s.kind.reason()).collect();
    assert_eq!(reasons, ["unhappy", "human_request"]);
    let json = serde_json::to_value(&signals[1]).expect("serialises");
    assert_eq!(json["kind"], "human_request");
    assert_eq!(json["cue"], "person_requested");
}

#[test]
fn a_complaint_repeated_in_the_conversation_is_unhappy() {
    let detector = detector();
    let repeated = |message: &str, earlier: &[&str]| {
        detector
            .detect(message, earlier)
            .iter()
            .any(|s| s.cue == Cue::Repeated)
    };
    let earlier = ["Bonjour, mon bureau Alto affiche E01 depuis hier, que faire ?"];
    assert!(repeated(
        "Toujours pas de solution pour mon bureau",
        &earlier
    ));
    assert!(!repeated("Toujours pas de solution pour mon bureau", &[]));
    assert!(repeated(
        "mon bureau Alto affiche encore E01 depuis hier",
        &earlier
    ));
    assert!(!repeated(
        "Merci, et pour la livraison d'un fauteuil ?",
        &earlier
    ));
    assert!(repeated("je vous ai déjà écrit à ce sujet", &[]));
    assert!(repeated("I've emailed you three times about this", &[]));
}

#[test]
fn amounts_are_parsed_with_their_currency_only() {
    let cents = |text: &str| -> Vec<u64> { euro_amounts(text).iter().map(|a| a.cents).collect() };
    assert_eq!(cents("450 €"), [45_000]);
    assert_eq!(cents("450€"), [45_000]);
    assert_eq!(cents("450 euros"), [45_000]);
    assert_eq!(cents("450 EUR"), [45_000]);
    assert_eq!(cents("450e"), [45_000]);
    assert_eq!(cents("450,50€"), [45_050]);
    assert_eq!(cents("12,5 €"), [1_250]);
    assert_eq!(cents("€450"), [45_000]);
    assert_eq!(cents("1 200 €"), [120_000]);
    assert_eq!(cents("1\u{202f}200 €"), [120_000]);
    assert_eq!(cents("1.200,50 €"), [120_050]);
    assert_eq!(cents("€1,250.50"), [125_050]);
    assert_eq!(cents("commande 450 du 12/03, 3 enfants"), Vec::<u64>::new());
    assert_eq!(cents("de 59 € à 1 290 €"), [5_900, 129_000]);
    assert_eq!(
        cents("99999999999999999999999 €"),
        Vec::<u64>::new(),
        "overflow"
    );
    let text = "remboursez les 450,50 € svp";
    let amount = &euro_amounts(text)[0];
    assert_eq!(&text[amount.span.clone()], "450,50 €");
}

#[test]
fn bad_input_neither_panics_nor_slows_down() {
    let detector = detector();
    let huge_words = "c'est inadmissible parler conseiller 450 € rembourser ".repeat(2_000);
    let huge_caps = "ABCDEFGH ".repeat(12_000);
    let huge_punct = "!?".repeat(50_000);
    let huge_digits = "1 234 567,8".repeat(10_000);
    let inputs = [
        String::new(),
        "\u{0}\u{7}INADMIS\u{200b}SIBLE\u{1b}[0m\u{feff}".to_string(),
        "<p onclick=\"x\">C'est <b>scandaleux</b> &amp; <script>alert(1)</script></p>".to_string(),
        "é\u{301}\u{301}\u{301}".repeat(10_000),
        huge_words,
        huge_caps,
        huge_punct,
        huge_digits,
        "a".repeat(100_000),
        "ab".repeat(50_000),
    ];
    for input in &inputs {
        let start = Instant::now();
        let signals = detector.detect(input, &[input.as_str(), input.as_str()]);
        let took = start.elapsed();
        println!("{} bytes: {took:?}", input.len());
        assert!(
            took < Duration::from_secs(3),
            "{} bytes took {took:?}",
            input.len()
        );
        assert!(
            signals.iter().all(|s| s.evidence.len() <= 170),
            "evidence is shortened"
        );
    }
    let control = detector.detect(&inputs[1], &[]);
    assert!(control.iter().any(|s| s.cue == Cue::Anger), "{control:?}");
    let html = detector.detect(&inputs[2], &[]);
    assert!(html.iter().any(|s| s.cue == Cue::Anger), "{html:?}");
}

#[test]
fn malformed_topics_are_refused() {
    let bad = SensitiveConfig {
        topics: vec![levier_assist::signals::TopicConfig {
            name: "x".to_string(),
            phrases: vec!["~3 litige".to_string()],
        }],
        refund: None,
    };
    assert!(SignalDetector::new(&bad).is_err());
    assert!(
        toml::from_str::<SensitiveConfig>("topicz = []").is_err(),
        "unknown keys refused"
    );
}

#[test]
fn the_faq_questions_and_their_variants_trigger_nothing() {
    let detector = detector();
    let mut checked = 0;
    let mut alarms = Vec::new();
    for record in csv::Reader::from_reader(FAQ.as_bytes()).records() {
        let record = record.expect("faq row");
        let variants = record[4].split(" | ").map(str::to_string);
        for question in std::iter::once(record[0].to_string()).chain(variants) {
            checked += 1;
            let signals = detector.detect(&question, &[]);
            if !signals.is_empty() {
                println!("FAQ FALSE ALARM: {question:?} -> {signals:?}");
                alarms.push(question);
            }
        }
    }
    println!(
        "FAQ questions and variants: {} of {checked} trigger a signal",
        alarms.len()
    );
    assert!(alarms.is_empty(), "{alarms:?}");
}
