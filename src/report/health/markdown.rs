//! The report as Markdown tables.

use super::HealthReport;

pub(super) fn markdown(report: &HealthReport) -> String {
    format!("# {}\n", report.repository)
}
