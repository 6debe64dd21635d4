//! Vigie diagnostics as LSP diagnostics, published per file of a pack.

use super::workspace::Analysis;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::source::FileId;
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag,
    NumberOrString, PublishDiagnosticsParams, Url,
};
use serde_json::json;

/// The URI a diagnostic's code links to: the `vigie explain` page. The VS
/// Code extension shows it; `workspace/executeCommand` `vigie.explain`
/// returns its text to any client, and every diagnostic carries it in
/// `data.explanation`.
pub fn explain_uri(code: Code) -> Url {
    Url::parse(&format!("vigie-explain:{}", code.as_str())).expect("a valid URI")
}

pub fn to_lsp(analysis: &Analysis, d: &Diagnostic) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .map(|label| DiagnosticRelatedInformation {
            location: analysis.location(label.span),
            message: if label.message.is_empty() {
                "see here".to_string()
            } else {
                label.message.clone()
            },
        })
        .collect();
    let fix = d.fix.as_ref().map(|fix| {
        json!({
            "title": fix.title,
            "uri": analysis.file(fix.span.file).uri,
            "range": analysis.range(fix.span),
            "newText": fix.replacement,
        })
    });
    lsp_types::Diagnostic {
        range: analysis.range(d.primary.span),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        code_description: Some(CodeDescription {
            href: explain_uri(d.code),
        }),
        source: Some("vigie".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: (d.code == Code::UnusedDeclaration).then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: Some(json!({
            "title": d.code.title(),
            "label": d.primary.message,
            "explanation": d.code.explanation(),
            "fix": fix,
        })),
    }
}

/// The diagnostics of one file of the pack.
pub fn for_file(analysis: &Analysis, file: FileId) -> Vec<lsp_types::Diagnostic> {
    analysis
        .checked
        .diagnostics
        .iter()
        .filter(|d| d.primary.span.file == file)
        .map(|d| to_lsp(analysis, d))
        .collect()
}

/// One `publishDiagnostics` per file of the pack (an empty list clears a
/// file's old diagnostics).
pub fn publish_all(analysis: &Analysis) -> Vec<PublishDiagnosticsParams> {
    (0..analysis.files.len())
        .map(|i| {
            let file = analysis.file(i as FileId);
            PublishDiagnosticsParams {
                uri: file.uri.clone(),
                diagnostics: for_file(analysis, i as FileId),
                version: file.version,
            }
        })
        .collect()
}
