//! HB3xx: retrospectives the EM holds after each iteration, and the action
//! items the PM carries into the goals or roadmap page.

mod action_item_overdue;
mod action_item_unowned;
pub(crate) mod action_items_not_carried;
pub(crate) mod retro_missing;

pub(crate) use action_item_overdue::ACTION_ITEM_OVERDUE;
pub(crate) use action_item_unowned::ACTION_ITEM_UNOWNED;
pub(crate) use action_items_not_carried::ACTION_ITEMS_NOT_CARRIED;
pub(crate) use retro_missing::RETRO_MISSING;
