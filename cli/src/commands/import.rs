//! `berth import FILE [--param KEY=VALUE]... [--ansible-vars FILE]
//! [--region R] [--stack-name S]`: a Berth plan, an ECS task definition or a
//! CloudFormation template, as plan JSON.

use berth_core::input::import::{ansible_vars, import_with, ImportOptions};

use crate::args::{Args, CommandError};
use crate::output::print_json;

/// Runs `berth import`; the exit code, or why it could not run.
pub fn run(a: &Args) -> Result<u8, CommandError> {
    a.allow(&["--param", "--ansible-vars", "--region", "--stack-name"])?;
    let file = match a.files.as_slice() {
        [f] => *f,
        _ => return Err(CommandError::Usage("import: give one FILE".into())),
    };
    let options = options(a, file)?;
    let text = read(file)?;
    let imported = import_with(&text, &options).map_err(|e| {
        let mut message = format!("{file}: {e}");
        if !e.needs.is_empty() {
            // CloudFormation's words, then how to give the values here.
            message.push_str(
                "; give each with --param NAME=VALUE, or --ansible-vars FILE \
                 (group_vars with Stack.Inputs.NAME: value)",
            );
            for n in &e.needs {
                let about = n.description.as_deref().unwrap_or("no Description");
                message.push_str(&format!("\n  {} ({}): {about}", n.name, n.kind));
                if !n.allowed_values.is_empty() {
                    message.push_str(&format!("; one of {}", n.allowed_values.join(", ")));
                }
            }
        }
        CommandError::Input(message)
    })?;
    for w in &imported.warnings {
        eprintln!("berth: warning: {w}");
    }
    print_json(&imported.plan);
    Ok(0)
}

fn read(file: &str) -> Result<String, CommandError> {
    std::fs::read_to_string(file)
        .map_err(|e| CommandError::Input(format!("{file}: cannot read: {e}")))
}

/// The options: the group_vars file's values, then each `--param` (the
/// last word wins, as on CloudFormation's command line), the region, and the
/// stack name (given, else the playbook's; the core falls back on the file's).
fn options(a: &Args, file: &str) -> Result<ImportOptions, CommandError> {
    let mut options = match a.value("--ansible-vars") {
        Some(vars) => {
            ansible_vars(&read(vars)?).map_err(|e| CommandError::Input(format!("{vars}: {e}")))?
        }
        None => ImportOptions::default(),
    };
    for (k, v) in a.options.iter().filter(|(k, _)| *k == "--param") {
        let v = v.unwrap_or("");
        let (name, value) = v.split_once('=').ok_or_else(|| {
            CommandError::Usage(format!("import: {k} takes KEY=VALUE, not \"{v}\""))
        })?;
        options
            .parameters
            .insert(name.to_string(), value.to_string());
    }
    options.region = a.value("--region").map(str::to_string);
    if let Some(stack) = a.value("--stack-name") {
        options.stack_name = Some(stack.to_string());
    }
    options.file_name = Some(file.to_string());
    Ok(options)
}
