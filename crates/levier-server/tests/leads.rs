//! Leads through the real router over a real SQLite store: the CSV import (API and page) with
//! its per-row report, the ranked list with filters and reasons, first contact and outcome,
//! duplicates and their merge, and who may do it.

mod support;

use axum::http::StatusCode;
use levier_core::Role;
use support::{Reply, Req, TestApp, Who};

/// Two leads that are one person (same e-mail), a company lead, a free-mail lead and a row
/// with a bad e-mail and SIRET (line 5).
const CSV: &str = "Prénom;Nom;Courriel;Société;Code postal;Source;Statut\n\
    Anne;Durand;anne@durand-conseil.fr;Durand Conseil SARL;75008;salon;en cours\n\
    Anne;Durant;anne@durand-conseil.fr;Durand Conseil;75008;site web;en cours\n\
    Léa;Petit;lea.petit@gmail.com;;13001;site web;en cours\n\
    Paul;Martin;pas-un-email;Martin SA;69003;salon;perdu\n";

async fn session(app: &TestApp, role: Role) -> Who {
    Who::Session(app.login(role).await)
}

async fn import(app: &TestApp, who: &Who) -> Reply {
    app.send(
        Req::post("/api/v1/leads/import")
            .sent_by(who)
            .body("text/csv", CSV.as_bytes().to_vec()),
    )
    .await
}

async fn get_json(app: &TestApp, who: &Who, path: &str) -> serde_json::Value {
    let r = app.send(Req::get(path).auth(who)).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    r.json()
}

#[tokio::test]
async fn import_rank_contact_win_and_merge_through_the_api() {
    let app = TestApp::new().await;
    let agent = session(&app, Role::Agent).await;
    let r = import(&app, &agent).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let report = r.json();
    assert_eq!(report["created"].as_array().map(Vec::len), Some(4));
    let issues = report["issues"].as_array().expect("issues");
    assert!(
        issues
            .iter()
            .any(|i| i["line"] == 5 && i["column"] == "Courriel" && i["severity"] == "invalid"),
        "{issues:?}"
    );

    let leads = get_json(&app, &agent, "/api/v1/leads").await;
    let leads = leads.as_array().expect("list");
    assert_eq!(leads.len(), 4);
    let probabilities: Vec<f64> = leads
        .iter()
        .map(|l| l["score"]["probability"].as_f64().expect("scored"))
        .collect();
    assert!(
        probabilities.windows(2).all(|w| w[0] >= w[1]),
        "{probabilities:?}"
    );
    let lea = leads
        .iter()
        .find(|l| l["first_name"] == "Léa")
        .expect("Léa");
    assert_eq!(lea["free_mail"], true);
    assert_eq!(lea["region"], "Provence-Alpes-Côte d'Azur");

    let free = get_json(&app, &agent, "/api/v1/leads?source=site%20web").await;
    assert_eq!(free.as_array().map(Vec::len), Some(2));

    let anne = leads[0]["id"].as_i64().expect("id");
    let detail = get_json(&app, &agent, &format!("/api/v1/leads/{anne}")).await;
    let words = detail["explanation"].as_array().expect("words");
    assert!(
        words.iter().any(|w| w == "company_email = yes (+20.00)"),
        "{words:?}"
    );
    let id = lea["id"].as_i64().expect("id");
    let sent = app
        .send(Req::post(&format!("/api/v1/leads/{id}/contacted")).sent_by(&agent))
        .await;
    assert_eq!(sent.status, StatusCode::NO_CONTENT);
    let won = app
        .send(
            Req::post(&format!("/api/v1/leads/{id}/outcome"))
                .sent_by(&agent)
                .json(&serde_json::json!({"outcome": "won"})),
        )
        .await;
    assert_eq!(won.status, StatusCode::NO_CONTENT, "{}", won.body);
    let bad = app
        .send(
            Req::post(&format!("/api/v1/leads/{id}/outcome"))
                .sent_by(&agent)
                .json(&serde_json::json!({"outcome": "maybe"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("outcome"), "{}", bad.body);
    let detail = get_json(&app, &agent, &format!("/api/v1/leads/{id}")).await;
    assert_eq!(detail["lead"]["status"], "won");
    assert!(detail["lead"]["contacted_at"].is_i64());

    let duplicates = get_json(&app, &agent, "/api/v1/leads/duplicates").await;
    let first = &duplicates.as_array().expect("suggestions")[0];
    assert_eq!(first["reasons"][0]["kind"], "email");
    let (keep, other) = (first["keep"].as_i64(), first["merge"].as_i64());
    let merged = app
        .send(
            Req::post(&format!("/api/v1/leads/{}/merge", keep.expect("keep")))
                .sent_by(&agent)
                .json(&serde_json::json!({"merge": other})),
        )
        .await;
    assert_eq!(merged.status, StatusCode::NO_CONTENT, "{}", merged.body);
    let after = get_json(&app, &agent, "/api/v1/leads").await;
    assert_eq!(after.as_array().map(Vec::len), Some(3));
    let missing = app
        .send(Req::post("/api/v1/leads/99999/contacted").sent_by(&agent))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // The events feed the conversion figures: Paul, imported lost, and Léa, won by the agent.
    let zone = levier_report::time_zone("Europe/Paris").expect("zone");
    let today = jiff::Timestamp::now()
        .to_zoned(zone.clone())
        .date()
        .to_string();
    let period = levier_report::Period::parse(&today, &zone).expect("today");
    let kpis = levier_report::leads::load(&app.store, &period)
        .await
        .expect("figures");
    assert_eq!(kpis.created, 4);
    assert_eq!((kpis.conversion.part, kpis.conversion.whole), (1, 2));
    let site_web = kpis.conversion_by_source.get("site web").expect("site web");
    assert_eq!((site_web.part, site_web.whole), (1, 1));
    assert_eq!(kpis.time_to_first_contact.map(|s| s.count), Some(1));
}

#[tokio::test]
async fn members_and_champions_may_not_see_leads() {
    let app = TestApp::new().await;
    for role in [Role::Member, Role::Champion, Role::Viewer] {
        let who = session(&app, role).await;
        let list = app.send(Req::get("/api/v1/leads").auth(&who)).await;
        assert_eq!(list.status, StatusCode::FORBIDDEN, "{role}");
        assert_eq!(
            import(&app, &who).await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        let page = app.send(Req::get("/leads").auth(&who)).await;
        assert_ne!(page.status, StatusCode::OK, "{role}");
    }
    let admin = session(&app, Role::Admin).await;
    assert_eq!(import(&app, &admin).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_page_ranks_explains_and_acts_in_french() {
    let app = TestApp::new().await;
    let agent = session(&app, Role::Agent).await;
    assert_eq!(import(&app, &agent).await.status, StatusCode::OK);
    let page = app.send(Req::get("/leads").auth(&agent)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<h1>Prospects</h1>"));
    assert!(page.body.contains("data-testid=\"lead-row\""));
    assert!(page.body.contains("Doublons probables"));
    assert!(page.body.contains("même e-mail (anne@durand-conseil.fr)"));
    assert!(
        page.body
            .contains("Classement par les règles du client idéal")
    );
    let token = match &agent {
        Who::Session(s) => s.csrf.clone(),
        _ => unreachable!(),
    };
    let leads = get_json(&app, &agent, "/api/v1/leads?tier=").await;
    let id = leads[0]["id"].as_i64().expect("id");
    let done = app
        .send(
            Req::post(&format!("/leads/{id}/lost"))
                .auth(&agent)
                .form(&[("_csrf", token.as_str()), ("back", "tier=A")]),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), Some("/leads?done=lost&tier=A"));
    let without_token = app
        .send(
            Req::post(&format!("/leads/{id}/won"))
                .auth(&agent)
                .form(&[("back", "")]),
        )
        .await;
    assert_eq!(without_token.status, StatusCode::FORBIDDEN);
    let lost = get_json(&app, &agent, "/api/v1/leads?status=lost").await;
    assert!(lost.as_array().expect("list").iter().any(|l| l["id"] == id));
}

#[tokio::test]
async fn mappings_are_saved_and_reused_suggestions_dismissed_and_retraining_queued() {
    let app = TestApp::new().await;
    let agent = session(&app, Role::Agent).await;
    let mapping = serde_json::json!({"columns": {
        "Raison sociale": {"field": "company"},
        "Mél": {"field": "email"},
        "Canal": {"field": "source"},
    }});
    let saved = app
        .send(
            Req::new("PUT", "/api/v1/leads/mappings/salon%20de%20Lyon")
                .sent_by(&agent)
                .json(&mapping),
        )
        .await;
    assert_eq!(saved.status, StatusCode::NO_CONTENT, "{}", saved.body);
    let listed = get_json(&app, &agent, "/api/v1/leads/mappings").await;
    assert_eq!(listed[0]["name"], "salon de Lyon");
    assert_eq!(listed[0]["mapping"], mapping);
    let file = "Raison sociale;Mél;Canal\nAtelier Dupont;contact@atelier-dupont.fr;salon\n";
    let send = |query: &str| {
        Req::post(&format!("/api/v1/leads/import{query}"))
            .sent_by(&agent)
            .body("text/csv", file.as_bytes().to_vec())
    };
    let unknown = app.send(send("?mapping=inconnue")).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
    let r = app
        .send(send("?mapping=salon%20de%20Lyon&save_mapping=copie"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = r.json()["created"][0].as_i64().expect("imported");
    let lead = get_json(&app, &agent, &format!("/api/v1/leads/{id}")).await;
    assert_eq!(lead["lead"]["email"], "contact@atelier-dupont.fr");
    assert_eq!(lead["lead"]["source"], "salon");
    let names = get_json(&app, &agent, "/api/v1/leads/mappings").await;
    assert_eq!(names.as_array().map(Vec::len), Some(2), "{names}");

    assert_eq!(import(&app, &agent).await.status, StatusCode::OK);
    let duplicates = get_json(&app, &agent, "/api/v1/leads/duplicates").await;
    let first = &duplicates.as_array().expect("suggestions")[0];
    let (keep, other) = (first["keep"].as_i64(), first["merge"].as_i64());
    let dismissed = app
        .send(
            Req::post(&format!("/api/v1/leads/{}/dismiss", keep.expect("keep")))
                .sent_by(&agent)
                .json(&serde_json::json!({"merge": other})),
        )
        .await;
    assert_eq!(
        dismissed.status,
        StatusCode::NO_CONTENT,
        "{}",
        dismissed.body
    );
    let after = get_json(&app, &agent, "/api/v1/leads/duplicates").await;
    assert!(
        after
            .as_array()
            .expect("suggestions")
            .iter()
            .all(|s| (s["keep"].as_i64(), s["merge"].as_i64()) != (keep, other)),
        "{after}"
    );

    let queued = app
        .send(Req::post("/api/v1/leads/train").sent_by(&agent))
        .await;
    assert_eq!(queued.status, StatusCode::ACCEPTED, "{}", queued.body);
    let task = queued.json()["task"].as_i64().expect("task id");
    let again = app
        .send(Req::post("/api/v1/leads/train").sent_by(&agent))
        .await;
    assert_eq!(again.json()["task"].as_i64(), Some(task), "queued once");
    let stored = app
        .store
        .task(levier_core::ids::TaskId(task))
        .await
        .expect("read")
        .expect("task");
    assert_eq!(stored.kind, "leads.train");

    let member = session(&app, Role::Member).await;
    for req in [
        Req::get("/api/v1/leads/mappings").auth(&member),
        Req::post("/api/v1/leads/train").sent_by(&member),
    ] {
        assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
    }
}
