//! An instance's host port map: the agent's reserved ports, static ports,
//! dynamic ports, and the ENIs awsvpc tasks hold.

use berth_core::app::view::{InstanceView, PortKind};
use leptos::prelude::*;

#[component]
pub fn PortMap(inst: InstanceView) -> impl IntoView {
    let enis = (inst.eni_capacity > 0 && inst.enis_used > 0)
        .then(|| format!(" · ENIs {}/{}", inst.enis_used, inst.eni_capacity));
    view! {
        <details class="ports">
            <summary>{format!("Port map · {} host ports in use", inst.ports.len())}{enis}</summary>
            <table data-testid="port-map">
                <thead>
                    <tr>
                        <th>"host"</th>
                        <th>"proto"</th>
                        <th>"kind"</th>
                        <th>"→ task / container"</th>
                    </tr>
                </thead>
                <tbody>
                    {inst
                        .ports
                        .iter()
                        .map(|p| {
                            let kind = match p.kind {
                                PortKind::Reserved => "reserved",
                                PortKind::Static => "static",
                                PortKind::Dynamic => "dynamic",
                            };
                            let holder = match (&p.owner, p.container_port) {
                                (Some(o), Some(c)) => format!("{o} : {c}"),
                                _ => "ECS agent / host".to_string(),
                            };
                            view! {
                                <tr class=kind>
                                    <td class="mono">{p.host_port}</td>
                                    <td>{p.protocol.as_str()}</td>
                                    <td>
                                        <span class=format!("kind {kind}")>{kind}</span>
                                    </td>
                                    <td>{holder}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </details>
    }
}
