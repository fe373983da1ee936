//! 预测反馈 (domain.md §7 ⑤): the rep feeds the balanced figures back to each retailer.
pub(crate) mod api;
pub(crate) mod pages;

/// The message of a tick, for the page.
fn tick_message(o: &app::balancing::TickOut) -> String {
    if o.newly_ticked {
        format!("{}：已反馈，动销台帐记 {} 条", o.retailer, o.ledger_qty)
    } else {
        format!("{} 此前已反馈", o.retailer)
    }
}
