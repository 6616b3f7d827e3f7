crate::base::rule::rule_meta! {
    /// ## What it checks
    /// That every handbook page can be read as a page: valid UTF-8, not binary,
    /// under the size cap (2 MiB), and not a symlink leading outside the
    /// repository.
    ///
    /// ## Why it matters
    /// A page that cannot be read cannot be checked; saying so is better than
    /// skipping it silently. The other pages are still checked.
    ///
    /// ## Example
    /// `handbook/search/goals.md` saved in Latin-1 by an old editor: HB005, not
    /// valid UTF-8, with the line of the first bad byte.
    ///
    /// ## How to fix
    /// Re-save the file as UTF-8, move large or binary assets out of the
    /// handbook's Markdown, or replace the symlink with the page itself.
    pub static FILE_UNREADABLE = ("HB005", "file-unreadable", "input", Error, "A handbook file cannot be read as a page");
}
