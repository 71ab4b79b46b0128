//! `rolecall schema`: the JSON Schema of the input formats, generated from the core's model
//! types, so editors can validate and complete policy, directory and test files.

use crate::diagnostics::Located;
use rolecall::model::{DirectoryDoc, PolicyDoc, TestFileDoc};
use schemars::generate::SchemaSettings;
use serde_json::{json, Value};
use std::process::ExitCode;

/// Print the JSON Schema (draft 2020-12) of a policy, a directory or a policy test file.
///
/// With no argument, prints one document whose `$defs` holds `PolicyDoc`, `DirectoryDoc`,
/// `TestFileDoc` and every type they use; refer to one with `<file>#/$defs/PolicyDoc`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which format; all three when absent.
    pub format: Option<Format>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// A policy document.
    Policy,
    /// A directory document.
    Directory,
    /// A policy test file.
    Test,
}

pub fn run(args: &Args) -> Result<ExitCode, Vec<Located>> {
    let schema = match args.format {
        Some(Format::Policy) => one::<PolicyDoc>(),
        Some(Format::Directory) => one::<DirectoryDoc>(),
        Some(Format::Test) => one::<TestFileDoc>(),
        None => all(),
    };
    let schema = with_case_codes(schema);
    crate::outln!("{}", crate::check::json_of(&schema));
    Ok(ExitCode::SUCCESS)
}

/// A case's `reason` is a free string in the model (the runner reports an unknown one with a
/// hint); the schema lists the codes it may name, from the core's one list, so editors complete
/// them.
fn with_case_codes(mut schema: Value) -> Value {
    let codes: Vec<&str> = rolecall::case_codes().collect();
    if let Some(reason) = schema.pointer_mut("/$defs/CaseDoc/properties/reason") {
        if let Some(fields) = reason.as_object_mut() {
            fields.insert("type".into(), json!(["string", "null"]));
            fields.insert(
                "enum".into(),
                json!(codes
                    .into_iter()
                    .map(Some)
                    .chain([None])
                    .collect::<Vec<_>>()),
            );
        }
    }
    schema
}

fn one<T: schemars::JsonSchema>() -> Value {
    SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value()
}

fn all() -> Value {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    generator.subschema_for::<PolicyDoc>();
    generator.subschema_for::<DirectoryDoc>();
    generator.subschema_for::<TestFileDoc>();
    let defs = generator.take_definitions(true);
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "rolecall input formats",
        "description": "Policy, directory and policy test file; see $defs.PolicyDoc, $defs.DirectoryDoc and $defs.TestFileDoc",
        "$defs": defs,
    })
}
