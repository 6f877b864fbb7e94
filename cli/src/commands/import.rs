//! `berth import FILE [--param KEY=VALUE]...`: a Berth plan, an ECS task
//! definition or a CloudFormation template, as plan JSON.

use berth_core::input::import::import;

use crate::args::{Args, CommandError};
use crate::output::print_json;

/// Runs `berth import`; the exit code, or why it could not run.
pub fn run(a: &Args) -> Result<u8, CommandError> {
    a.allow(&["--param"])?;
    let file = match a.files.as_slice() {
        [f] => *f,
        _ => return Err(CommandError::Usage("import: give one FILE".into())),
    };
    let params = a
        .options
        .iter()
        .filter(|(k, _)| *k == "--param")
        .map(|(_, v)| {
            let v = v.unwrap_or("");
            v.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| {
                    CommandError::Usage(format!("import: --param takes KEY=VALUE, not \"{v}\""))
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let text = std::fs::read_to_string(file)
        .map_err(|e| CommandError::Input(format!("{file}: cannot read: {e}")))?;
    let imported =
        import(&text, &params).map_err(|e| CommandError::Input(format!("{file}: {e}")))?;
    for w in &imported.warnings {
        eprintln!("berth: warning: {w}");
    }
    print_json(&imported.plan);
    Ok(0)
}
