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
    assert!(out.stdout.contains("## Valeur produite"), "{out}");
    assert!(
        out.stdout.contains("| Temps gagné | 0.0 h |"),
        "nothing automated, nothing saved: {out}"
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
    assert_eq!(
        lines.count(),
        15 + 5 + 4 + 5 + 5,
        "support, adoption, mail, lead and value figures: {text}"
    );

    let json = run(&mut sb.levier_data(["report", "--period", "2026-10-25", "--format", "json"]))
        .success()
        .json();
    // 25 October 2026 lasts 25 hours in Paris (summer time ends).
    let (start, end) = (&json["period"]["start"], &json["period"]["end"]);
    let hours = (end.as_i64().expect("end") - start.as_i64().expect("start")) / 3_600_000;
    assert_eq!(hours, 25, "{json}");
    assert_eq!(json["figures"][7]["id"], "handoff_rate");
    assert_eq!(json["value"][4]["id"], "roi_net");
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

/// A tool the PDF test needs, or `None` (said loudly) outside CI; under CI it must be there.
fn tool(name: &str) -> Option<std::path::PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var("CI").is_err(),
            "{name} must be installed in CI (.ci/run installs it)"
        );
        eprintln!("*** PDF report NOT TESTED: {name} is not installed ***");
    }
    found
}

/// The pixels of a binary PPM image (`P6`), as (width, height, RGB bytes).
fn ppm(bytes: &[u8]) -> (usize, usize, &[u8]) {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..at]).expect("PPM header"));
    }
    assert_eq!(fields[0], "P6", "a binary PPM");
    let size = |f: &str| f.parse().expect("PPM width and height");
    let (w, h) = (size(fields[1]), size(fields[2]));
    (w, h, &bytes[at + 1..])
}

/// Pixels of `rgb` within a small distance of `colour`.
fn pixels_near(rgb: &[u8], colour: [u8; 3]) -> usize {
    rgb.chunks_exact(3)
        .filter(|p| (0..3).all(|i| p[i].abs_diff(colour[i]) < 40))
        .count()
}

/// The PDF report of the demo's last month, checked page by page as images: every page has
/// something printed on it, and the first shows the title and the chart's bars in their
/// colours (Chromium prints it; pdftoppm and pdftotext from poppler read it back).
#[test]
fn a_pdf_report_shows_its_title_and_chart_on_its_first_page() {
    let (Some(_), Some(pdftoppm), Some(pdftotext)) =
        (tool("chromium"), tool("pdftoppm"), tool("pdftotext"))
    else {
        return;
    };
    let sb = Sandbox::new();
    run(&mut sb.levier_data(["demo", "--load-only"])).success();
    pilot_report_compares_with_the_baseline(&sb);
    let last_month = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
        .date()
        .first_of_month()
        .yesterday()
        .unwrap()
        .strftime("%Y-%m")
        .to_string();
    let pdf = sb.join("rapport.pdf");
    run(sb
        .levier_data(["report", "--period", &last_month, "--format", "pdf"])
        .arg("--out")
        .arg(&pdf))
    .success();
    let text = std::process::Command::new(pdftotext)
        .args(["-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Indicateurs"),
        "the title is on page 1: {text}"
    );
    assert!(text.contains(&format!("Période : {last_month}")), "{text}");
    assert!(text.contains("Conversations et tickets par jour"), "{text}");
    let prefix = sb.join("page");
    let status = std::process::Command::new(pdftoppm)
        .args(["-r", "40"])
        .arg(&pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm");
    assert!(status.success());
    let mut pages: Vec<_> = std::fs::read_dir(sb.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ppm"))
        .collect();
    pages.sort();
    assert!(!pages.is_empty(), "the PDF has pages");
    for (i, page) in pages.iter().enumerate() {
        let bytes = std::fs::read(page).unwrap();
        let (w, h, rgb) = ppm(&bytes);
        let inked = rgb
            .chunks_exact(3)
            .filter(|p| p.iter().any(|&c| c < 200))
            .count();
        assert!(
            inked * 200 > w * h,
            "page {} is blank ({inked} dark pixels of {})",
            i + 1,
            w * h
        );
        if i == 0 {
            let bars = pixels_near(rgb, [0x2f, 0x6f, 0xab]);
            let tickets = pixels_near(rgb, [0xd9, 0x82, 0x2b]);
            assert!(
                bars > 300 && tickets > 100,
                "page 1 shows the chart's bars: {bars} conversation and {tickets} ticket pixels"
            );
        }
    }
}

/// `levier report --pilot ID` on the demo: the pilot's section compares its figures with the
/// baseline and reads its targets; an unknown pilot is an input error.
fn pilot_report_compares_with_the_baseline(sb: &Sandbox) {
    let out = run(&mut sb.levier_data(["report", "--period", "2026-10", "--pilot", "1"])).success();
    assert!(
        out.stdout
            .starts_with("# Indicateurs — Assistant FAQ sur le site web"),
        "{out}"
    );
    assert!(
        out.stdout
            .contains("## Le pilote par rapport à sa référence ("),
        "{out}"
    );
    assert!(
        out.stdout
            .contains("| Indicateur | Référence | Pilote | Évolution | Objectif |"),
        "{out}"
    );
    let response = out
        .stdout
        .lines()
        .rfind(|l| l.starts_with("| Première réponse |"))
        .expect("the first response row");
    assert!(
        response.contains("≤ −30 % par rapport à la référence"),
        "{response}"
    );
    run(&mut sb.levier_data(["report", "--period", "2026-10", "--pilot", "99"])).expect_code(INPUT);
}

/// A serving node writes the report of each schedule's last whole period into its folder,
/// once (the period is recorded), through a durable task.
#[test]
fn a_scheduled_report_is_written_into_its_folder_by_the_serving_node() {
    let sb = Sandbox::new();
    let folder = sb.join("rapports");
    let config = sb.join("levier.toml");
    std::fs::write(
        &config,
        format!(
            "[[reports.schedule]]\nname = \"hebdo\"\nevery = \"weekly\"\nformat = \"md\"\n\
             folder = \"{}\"\n",
            folder.display()
        ),
    )
    .unwrap();
    let mut serve = support::Running::spawn(
        sb.levier_data(["serve", "--addr", "127.0.0.1:0"])
            .arg("--config")
            .arg(&config),
    );
    let week = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
        .date()
        .checked_sub(jiff::Span::new().days(7))
        .unwrap()
        .iso_week_date();
    let label = format!("{:04}-W{:02}", week.year(), week.week());
    let file = folder.join(format!("levier-hebdo-{label}.md"));
    let deadline = std::time::Instant::now() + support::WAIT;
    while !file.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &serve.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = serve.wait(support::WAIT);
    let out = serve.finish(status);
    let text =
        std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}\n{out}", file.display()));
    assert!(text.starts_with("# Indicateurs"), "{text}");
    assert!(
        text.contains(&format!("Période : {label} (Europe/Paris)")),
        "{text}"
    );
    let tasks = run(sb
        .levier_data(["task", "list", "--json"])
        .arg("--config")
        .arg(&config))
    .success()
    .json();
    let scheduled: Vec<_> = tasks
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "report.scheduled")
        .collect();
    assert_eq!(scheduled.len(), 1, "one task for the period: {tasks}");
    assert_eq!(scheduled[0]["status"], "succeeded", "{tasks}");
}
