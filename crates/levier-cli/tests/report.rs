//! `levier report`: the wiring from the command line to the KPI engine (the figures
//! themselves are checked against hand counts in levier-report's tests).

// Each test binary uses part of the shared helpers.
#[allow(dead_code)]
mod support;

use support::{Sandbox, run};

const INPUT: i32 = 5;

#[test]
fn report_writes_each_figure_with_its_definition_in_every_format() {
    let sb = Sandbox::new();
    let out = run(&mut sb.levier_data(["report", "--period", "2026-10"])).success();
    assert!(out.stdout.starts_with("# Indicateurs"), "{out}");
    assert!(
        out.stdout.contains("## Adoption de la recherche interne"),
        "{out}"
    );
    assert!(
        out.stdout.contains("Période : 2026-10 (Europe/Paris)"),
        "{out}"
    );
    assert!(
        out.stdout
            .contains("| Conversations | 0 | Conversations dont le premier message client"),
        "{out}"
    );

    let csv = sb.join("report.csv");
    run(sb
        .levier_data([
            "report", "--period", "2026-W44", "--format", "csv", "--lang", "en",
        ])
        .arg("--out")
        .arg(&csv))
    .success();
    let text = std::fs::read_to_string(&csv).expect("the CSV was written");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("period,id,label,value,part,whole,median_ms,p90_ms")
    );
    assert_eq!(
        lines.next(),
        Some("2026-W44,conversations,Conversations,0,,,,")
    );
    assert_eq!(lines.count(), 14 + 5, "{text}");

    let json = run(&mut sb.levier_data(["report", "--period", "2026-10-25", "--format", "json"]))
        .success()
        .json();
    // 25 October 2026 lasts 25 hours in Paris (summer time ends).
    let (start, end) = (&json["period"]["start"], &json["period"]["end"]);
    let hours = (end.as_i64().expect("end") - start.as_i64().expect("start")) / 3_600_000;
    assert_eq!(hours, 25, "{json}");
    assert_eq!(json["figures"][7]["id"], "handoff_rate");
}

#[test]
fn an_html_report_is_one_page_with_its_chart() {
    let sb = Sandbox::new();
    let file = sb.join("rapport.html");
    run(sb
        .levier_data(["report", "--period", "2026-10", "--format", "html"])
        .arg("--out")
        .arg(&file))
    .success();
    let page = std::fs::read_to_string(&file).expect("the page was written");
    assert!(page.starts_with("<!doctype html>"), "{page}");
    // One pair of bars per day of October.
    assert_eq!(page.matches(r#"class="bar-conversations""#).count(), 31);
    assert!(
        page.contains("<h2>Adoption de la recherche interne</h2>"),
        "{page}"
    );
}

#[test]
fn a_bad_period_or_time_zone_is_refused_before_the_store_is_opened() {
    let sb = Sandbox::new();
    let out = run(&mut sb.levier_data(["report", "--period", "novembre"])).expect_code(INPUT);
    assert!(out.stderr.contains("'novembre' is not a period"), "{out}");
    let out = run(&mut sb.levier_data([
        "report",
        "--period",
        "2026-11",
        "--time-zone",
        "Mars/Olympus",
    ]))
    .expect_code(INPUT);
    assert!(
        out.stderr.contains("unknown time zone 'Mars/Olympus'"),
        "{out}"
    );
    assert!(
        !sb.data_dir().join("levier.db").exists(),
        "no store was created"
    );
}
