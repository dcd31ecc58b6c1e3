//! A scheduled report with `email = [...]`: the serving node writes it into its folder, then
//! its `mail.send` task mails it, attached, through `[smtp]` to a real SMTP sink on loopback.

// Each test binary uses part of the shared helpers.
#[path = "../../levier-triage/tests/common/smtp_sink.rs"]
mod smtp_sink;
#[allow(dead_code)]
mod support;

use support::Sandbox;

#[test]
fn a_scheduled_report_is_mailed_attached_through_smtp() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sink = runtime.block_on(smtp_sink::SmtpSink::start());
    let sb = Sandbox::new();
    let folder = sb.join("rapports");
    let config = sb.join("levier.toml");
    std::fs::write(
        &config,
        format!(
            "[[reports.schedule]]\nname = \"hebdo\"\nevery = \"weekly\"\nformat = \"md\"\n\
             folder = \"{}\"\nemail = [\"direction@ergolis.fr\"]\n\n\
             [smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\n\
             from = \"levier <levier@ergolis.fr>\"\n",
            folder.display(),
            sink.port()
        ),
    )
    .unwrap();
    let mut serve = support::Running::spawn(
        sb.levier_data(["serve", "--addr", "127.0.0.1:0"])
            .arg("--config")
            .arg(&config),
    );
    let got = runtime.block_on(sink.wait_for(1));
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &serve.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = serve.wait(support::WAIT);
    serve.finish(status);
    let mail = &got[0];
    assert_eq!(mail.to, vec!["direction@ergolis.fr"]);
    assert!(
        mail.header("Subject")
            .unwrap()
            .starts_with("Rapport levier hebdo"),
        "{}",
        mail.data
    );
    assert!(
        mail.data.contains("filename=\"levier-hebdo-"),
        "{}",
        mail.data
    );
    assert_eq!(
        mail.header("Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
}
