//! The report as one self-contained HTML page.

use super::HealthReport;

pub(super) fn html(report: &HealthReport) -> String {
    format!("<!doctype html><title>{}</title>", report.repository)
}
