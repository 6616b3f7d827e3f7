use crate::base::finding::Finding;
use crate::model::Handbook;
use crate::rules::configured_teams;

crate::rules::declare_rule! {
    /// ## What it checks
    /// That every team in `handbook-lint.yaml` names a person for each role of
    /// the ruleset: a `pm` and an `em` in the built-in one.
    ///
    /// ## Why it matters
    /// The partnership's definition: “The accountability for the
    /// responsibility stops with this person.” With a role vacant, the
    /// responsibilities it is accountable for — team goals for the PM,
    /// productivity and iteration execution for the EM — stop with nobody.
    ///
    /// ## Example
    /// ```yaml
    /// teams:
    ///   search: { dir: handbook/search, pm: alice }   # HB401: no EM
    /// ```
    ///
    /// ## How to fix
    /// Name the person (`em: bob`, or several: `em: [bob, carol]`), or an
    /// interim owner while the role is being hired for. A team that has no
    /// one in the role by design says so: `pm: none`.
    pub static TEAM_ROLE_VACANT = ("HB401", "team-role-vacant", "ownership", Error, "A team has no PM or no EM"), check;
}

pub(super) fn check(model: &Handbook, findings: &mut Vec<Finding>) {
    for team in configured_teams(model) {
        for (role, definition) in &model.ruleset.roles {
            if team.named_roles.contains(role) {
                continue;
            }
            let accountable: Vec<&str> = model
                .ruleset
                .responsibilities
                .iter()
                .filter(|r| &r.accountable == role)
                .map(|r| r.name.as_str())
                .collect();
            let (path, span) = model.team_location(team);
            findings.push(
                Finding::new(
                    &TEAM_ROLE_VACANT,
                    format!(
                        "team `{}` has no {} ({})",
                        team.name,
                        role.to_uppercase(),
                        definition.name.to_lowercase()
                    ),
                )
                .at(path, span)
                .label(format!("no `{role}:`"))
                .help(format!(
                    "add `{role}: <person>` to the team (or `{role}: none` if it has none by design); the {} is accountable for {}",
                    role.to_uppercase(),
                    accountable.join(", ")
                ))
                .why(
                    model
                        .ruleset
                        .definitions
                        .get("accountable")
                        .map(|text| format!("Definition of accountable: “{text}”")),
                )
                .team(team.name.clone()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TEAM_ROLE_VACANT;
    use crate::rules::testing::*;

    #[test]
    fn fails_for_a_team_without_an_em() {
        let built = healthy()
            .config(&crate::model::testing::CONFIG.replace("    em: bob\n", ""))
            .build();
        insta::assert_snapshot!(report(&TEAM_ROLE_VACANT, &built));
    }

    #[test]
    fn passes_for_a_role_vacant_by_design() {
        let config = crate::model::testing::CONFIG.replace("    pm: alice\n", "    pm: none\n");
        assert_passes(&TEAM_ROLE_VACANT, &healthy().config(&config).build());
    }

    #[test]
    fn passes_when_both_roles_are_named() {
        assert_passes(&TEAM_ROLE_VACANT, &healthy().build());
    }
}
