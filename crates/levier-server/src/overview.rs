//! The overview page: what the data directory holds, in French. Every value shown is escaped.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};

pub(crate) async fn page(State(state): State<AppState>) -> impl IntoResponse {
    let counts = match state.store.counts().await {
        Ok(c) => c,
        Err(e) => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                Html(format!(
                    "<p>Base indisponible : {}</p>",
                    escape(&e.to_string())
                )),
            );
        }
    };
    let rows = [
        ("Utilisateurs", counts.users),
        ("Groupes d'accès", counts.groups),
        ("Documents", counts.documents),
        ("Entrées de FAQ", counts.faq_entries),
        ("Formulations de questions", counts.faq_phrasings),
        ("Prospects", counts.leads),
        ("Interactions avec les prospects", counts.lead_interactions),
        ("Cas d'usage", counts.use_cases),
        ("Événements journalisés", counts.events),
        ("Tâches", counts.tasks),
    ];
    let body: String = rows
        .iter()
        .map(|(label, n)| format!("<tr><th scope=\"row\">{label}</th><td>{n}</td></tr>"))
        .collect();
    let company = escape(&state.company);
    (
        StatusCode::OK,
        Html(format!(
            "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>levier — {company}</title></head><body><main>\
             <h1>levier — {company}</h1><p>Contenu de l'espace de données :</p>\
             <table>{body}</table></main></body></html>"
        )),
    )
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>alert('x')</script> & \""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;"
        );
    }
}
