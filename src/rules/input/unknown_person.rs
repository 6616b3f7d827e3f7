use crate::base::codes;
use crate::base::finding::Finding;
use crate::model::Handbook;

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    let people = &model.config.people;
    if people.is_empty() {
        return;
    }
    let suggestion = |name: &str| {
        model.config.nearest_person(name).map_or_else(
            || "add them under `people:` in handbook-lint.yaml".to_string(),
            |s| format!("did you mean `{s}`? Otherwise add them under `people:`"),
        )
    };
    for page in &model.pages {
        if let Some(owner) = &page.doc.front.owner
            && model.config.resolve_person(&owner.value).is_none()
        {
            findings.push(
                Finding::new(
                    &codes::UNKNOWN_PERSON,
                    format!("page owner `{}` is not in `people`", owner.value),
                )
                .at(page.path.clone(), Some(owner.span.clone()))
                .label("unknown person")
                .help(suggestion(&owner.value)),
            );
        }
    }
    for team in &model.teams {
        for retro in &team.retros {
            let page = &model.pages[retro.page];
            for item in &retro.items {
                let Some(owner) = &item.owner else { continue };
                if model.config.resolve_person(&owner.value).is_none() {
                    findings.push(
                        Finding::new(
                            &codes::UNKNOWN_PERSON,
                            format!("action item owner `{}` is not anyone's handle", owner.value),
                        )
                        .at(page.path.clone(), Some(owner.span.clone()))
                        .label("unknown handle")
                        .help(suggestion(&owner.value))
                        .team(team.name.clone()),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn fails_for_unknown_handles_and_owners() {
        let built = healthy()
            .page(
                GOALS,
                &goals("Kicked off.").replace("owner: alice", "owner: alcie"),
            )
            .page(
                &retro_path(4),
                &retro(retro_day(4), "- [ ] @zed fix the build (due 2026-04-01)"),
            )
            .build();
        insta::assert_snapshot!(report(&crate::rules::input::UNKNOWN_PERSON, &built));
    }

    #[test]
    fn passes_when_everyone_is_in_people() {
        let built = healthy()
            .page(
                &retro_path(4),
                &retro(retro_day(4), "- [ ] @carol fix the build (due 2026-04-01)"),
            )
            .build();
        assert_passes(&crate::rules::input::UNKNOWN_PERSON, &built);
    }
}
