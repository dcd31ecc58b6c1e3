//! `levier config show`: the effective configuration, secrets masked.

use crate::cli::ConfigCommand;
use crate::settings::Settings;

pub fn run(settings: &Settings, cmd: ConfigCommand) -> anyhow::Result<()> {
    let ConfigCommand::Show { json } = cmd;
    let masked = settings.config.to_masked_toml();
    if json {
        let value: toml::Value = toml::from_str(&masked)?;
        return super::print_json(&value);
    }
    match &settings.file {
        Some(f) => println!("# from {} and LEVIER_* variables", f.display()),
        None => println!("# no configuration file: defaults and LEVIER_* variables"),
    }
    print!("{masked}");
    Ok(())
}
