//! Where rendered files go: the staging folder for `build`, memory for the
//! dev server and tests, or nowhere for `check`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::diagnostics::{Code, Diagnostic};
use crate::output::{OutputDir, OutputPath};

pub trait Sink: Sync {
    fn write(&self, path: &OutputPath, bytes: Vec<u8>) -> Result<(), Diagnostic>;
    fn copy(&self, path: &OutputPath, from: &Path) -> Result<(), Diagnostic>;
}

impl Sink for OutputDir {
    fn write(&self, path: &OutputPath, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        OutputDir::write(self, path, &bytes)
    }

    fn copy(&self, path: &OutputPath, from: &Path) -> Result<(), Diagnostic> {
        OutputDir::copy(self, path, from)
    }
}

/// Keeps every file in memory.
#[derive(Debug, Default)]
pub struct MemorySink {
    files: Mutex<BTreeMap<String, Arc<[u8]>>>,
}

impl MemorySink {
    pub fn new() -> Self {
        MemorySink::default()
    }

    pub fn into_files(self) -> BTreeMap<String, Arc<[u8]>> {
        self.files.into_inner().unwrap_or_default()
    }

    pub fn get(&self, path: &str) -> Option<Arc<[u8]>> {
        self.files.lock().ok()?.get(path).cloned()
    }
}

impl Sink for MemorySink {
    fn write(&self, path: &OutputPath, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        if let Ok(mut files) = self.files.lock() {
            files.insert(path.as_str().to_string(), Arc::from(bytes));
        }
        Ok(())
    }

    fn copy(&self, path: &OutputPath, from: &Path) -> Result<(), Diagnostic> {
        let bytes = std::fs::read(from).map_err(|e| {
            Diagnostic::error(Code::Io, format!("cannot read {}: {e}", from.display()))
        })?;
        self.write(path, bytes)
    }
}

/// Throws everything away: `check` only needs what rendering learns.
#[derive(Debug, Default)]
pub struct DiscardSink;

impl Sink for DiscardSink {
    fn write(&self, _: &OutputPath, _: Vec<u8>) -> Result<(), Diagnostic> {
        Ok(())
    }

    fn copy(&self, _: &OutputPath, _: &Path) -> Result<(), Diagnostic> {
        Ok(())
    }
}
