//! A QoS assignment's whole life offline (QoS Provisioning 0.3.0): start the
//! embedded sandbox, assign a QoS profile to a device with no end date, wait
//! until the network applies it, find it by device, and revoke it.
//!
//! Run with `cargo run --example qos_provisioning`. No account, no network.

use std::time::Duration;

use qod::Revocation;
use qod::models::{CreateAssignment, Device, PhoneNumber, QosProfileName};
use qod_sandbox::{Sandbox, SandboxConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start(SandboxConfig::default())?;
    println!("sandbox listening at {}", sandbox.base_url());

    // Against a real operator: its API root (which serves
    // `/qos-provisioning/v0.3`) and credentials instead.
    let client = qod::ClientBuilder::from_api_root(&sandbox.base_url())?.build()?;

    let device = Device::with_phone_number(PhoneNumber::parse("+14255550100")?);
    let request = CreateAssignment::new(device.clone(), QosProfileName::parse("QOS_L")?);
    let assignment = client.create_assignment(&request)?;
    let id = assignment.assignment_id;
    println!("1. assigned  {id} status={}", assignment.status);

    let available = client.wait_for_assignment(
        id,
        Duration::from_millis(200),
        Duration::from_secs(30),
        |info| println!("   waiting   status={}", info.status),
    )?;
    if let Some(started) = available.started_at {
        println!("2. available since {started}, until revoked");
    }

    let found = client.retrieve_assignment(Some(device))?;
    println!(
        "3. by device {} profile={}",
        found.assignment_id, found.qos_profile
    );

    match client.revoke_assignment(id)? {
        Revocation::Revoked => println!("4. revoked"),
        Revocation::Accepted(info) => println!("4. revoke accepted, status={}", info.status),
        _ => println!("4. revoke answered"),
    }
    let after = client.get_assignment(id)?;
    let reason = after.status_info.map(|i| i.to_string()).unwrap_or_default();
    println!("5. after     status={} reason={reason}", after.status);

    sandbox.stop();
    Ok(())
}
