//! The whole stack's container instances: the ECS cluster, the role and
//! instance profile the ECS agent runs under (without them an instance
//! never registers), and per instance group a launch template (type, AMI,
//! user data for the agent) and an Auto Scaling group in the group's
//! subnets. What a round trip needs of a group and the template does not
//! say (reserved and registered memory, trunking, zones) rides in the
//! group's metadata.

use serde_json::{json, Map, Value};

use super::bindings::Target;
use super::network::{subnet_count, subnet_id, INSTANCE_SECURITY_GROUP, PUBLIC_ROUTE};
use super::{logical_id, reference, service_role, Writer, CLUSTER_ID, METADATA_KEY};
use crate::model::InstanceGroup;

const INSTANCE_ROLE: &str = "InstanceRole";
const INSTANCE_PROFILE: &str = "InstanceProfile";

/// The public SSM parameters that name the current ECS-optimised Amazon
/// Linux 2023 AMI, per CPU architecture (ECS Developer Guide, "Retrieving
/// Amazon ECS-optimized Linux AMI metadata").
const ECS_AMI_X86_64: &str =
    "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";
const ECS_AMI_ARM64: &str =
    "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id";
/// The GPU-optimised variant, with the NVIDIA driver ECS needs to register
/// an instance's GPUs (ecs-semantics.md §10.4).
const ECS_AMI_GPU: &str =
    "/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id";

/// The cluster, the instance role and profile, and each group's launch
/// template and Auto Scaling group.
pub(super) fn write(w: &mut Writer) {
    w.add(
        CLUSTER_ID,
        json!({"Type": "AWS::ECS::Cluster", "Properties": {"ClusterName": w.plan.cluster.cluster_name}}),
    );
    w.add(
        INSTANCE_ROLE,
        service_role("ec2.amazonaws.com", "AmazonEC2ContainerServiceforEC2Role"),
    );
    w.add(
        INSTANCE_PROFILE,
        json!({"Type": "AWS::IAM::InstanceProfile", "Properties": {"Roles": [w.resource(INSTANCE_ROLE)]}}),
    );
    let groups = w.plan.cluster.instance_groups.clone();
    if groups.iter().any(|g| g.awsvpc_trunking) {
        // §10.3: trunking is the account's awsvpcTrunking setting, read by
        // instances when they register; a template cannot set it.
        w.notes.push(
            "awsvpc trunking is an account setting this template cannot make: run aws ecs put-account-setting --name awsvpcTrunking --value enabled before the instances start.".into(),
        );
    }
    for g in &groups {
        let lt = logical_id(&g.name, "LaunchTemplate");
        let launch = launch_template(w, g);
        w.add(&lt, launch);
        let asg = auto_scaling_group(w, g, &lt);
        w.add(&logical_id(&g.name, "AutoScalingGroup"), asg);
    }
}

/// The ECS agent reads its settings from /etc/ecs/ecs.config (§1.2, §3.4):
/// the cluster to join, the memory to keep back, the reserved ports, the
/// instance's custom attributes.
fn user_data(w: &Writer, g: &InstanceGroup) -> String {
    let mut user_data = format!(
        "#!/bin/bash\necho ECS_CLUSTER=${{{}}} >> /etc/ecs/ecs.config\n",
        w.id(CLUSTER_ID)
    );
    if g.reserved_memory > 0 {
        user_data.push_str(&format!(
            "echo ECS_RESERVED_MEMORY={} >> /etc/ecs/ecs.config\n",
            g.reserved_memory
        ));
    }
    let ports: Vec<String> = w
        .plan
        .cluster
        .reserved_ports
        .iter()
        .map(u16::to_string)
        .collect();
    user_data.push_str(&format!(
        "echo 'ECS_RESERVED_PORTS=[{}]' >> /etc/ecs/ecs.config\n",
        ports.join(",")
    ));
    if !g.attributes.is_empty() {
        // In single quotes for the shell; a quote inside ends and reopens them.
        let attributes = serde_json::to_string(&g.attributes)
            .unwrap_or_default()
            .replace('\'', "'\\''");
        user_data.push_str(&format!(
            "echo 'ECS_INSTANCE_ATTRIBUTES={attributes}' >> /etc/ecs/ecs.config\n"
        ));
    }
    user_data
}

/// The AMI: the plan's own image parameter when it declares one, else the
/// current ECS-optimised AMI for the group's architecture (GPU-optimised
/// for a type with GPUs), read from its public SSM parameter at deploy
/// time.
fn image_id(w: &mut Writer, g: &InstanceGroup) -> Value {
    let plan_ami = w.plan.cloud_formation.as_ref().and_then(|c| {
        c.parameters
            .iter()
            .find(|(_, p)| p.kind.contains("AWS::EC2::Image::Id"))
            .map(|(n, _)| n.clone())
    });
    if let Some(name) = plan_ami {
        return reference(name);
    }
    let arm = graviton(&g.instance_type);
    let gpus = crate::model::gpus::gpu_count(&g.instance_type).registered() > 0;
    let (name, path, arch) = match (arm, gpus) {
        (true, _) => ("EcsAmiArm64", ECS_AMI_ARM64, "arm64"),
        (false, true) => ("EcsAmiGpu", ECS_AMI_GPU, "x86_64, GPU-optimised"),
        (false, false) => ("EcsAmi", ECS_AMI_X86_64, "x86_64"),
    };
    w.deploy_parameter(
        name,
        json!({"Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", "Default": path,
            "Description": format!("The ECS-optimised Amazon Linux 2023 AMI ({arch})")}),
    )
}

/// Whether an instance type is arm64 (AWS Graviton): `a1`, or a family
/// whose letters after its generation include `g` (`m6g`, `c7gn`,
/// `is4gen`; not `g4dn`). Read from the name rather than the catalogue,
/// which the module that exports does not carry; a test holds the two
/// equal for every type the catalogue lists.
fn graviton(instance_type: &str) -> bool {
    let family = instance_type.split('.').next().unwrap_or("");
    if family == "a1" {
        return true;
    }
    let after_letters = family.trim_start_matches(|c: char| c.is_ascii_lowercase());
    let suffix = after_letters.trim_start_matches(|c: char| c.is_ascii_digit());
    after_letters.len() > suffix.len() && suffix.contains('g')
}

/// A group's launch template: its instance type (or the parameter bound to
/// it), the AMI, the instance profile and security group, and the user data.
fn launch_template(w: &mut Writer, g: &InstanceGroup) -> Value {
    let mut data = Map::new();
    data.insert(
        "InstanceType".into(),
        w.bound_or(
            &Target::GroupInstanceType(g.name.clone()),
            json!(g.instance_type),
        ),
    );
    data.insert("ImageId".into(), image_id(w, g));
    data.insert(
        "IamInstanceProfile".into(),
        json!({ "Arn": w.attribute(INSTANCE_PROFILE, "Arn") }),
    );
    data.insert(
        "SecurityGroupIds".into(),
        json!([w.resource(INSTANCE_SECURITY_GROUP)]),
    );
    data.insert(
        "UserData".into(),
        json!({"Fn::Base64": {"Fn::Sub": user_data(w, g)}}),
    );
    json!({"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": Value::Object(data)}})
}

/// A group's Auto Scaling group in the first subnets of the stack, one per
/// zone the group spans, with what Berth needs to read the group back in
/// its metadata.
fn auto_scaling_group(w: &Writer, g: &InstanceGroup, lt: &str) -> Value {
    let count = w.bound_or(
        &Target::GroupCount(g.name.clone()),
        json!(g.count.to_string()),
    );
    let zones = match g.availability_zones.len() {
        0 => subnet_count(w),
        n => n,
    };
    let mut props = Map::new();
    // The plan's sizes when it has them; else a range the count can move in.
    props.insert("MinSize".into(), json!(g.min_size.unwrap_or(0).to_string()));
    props.insert(
        "MaxSize".into(),
        json!(g
            .max_size
            .unwrap_or_else(|| g.count.max(1).saturating_mul(2))
            .to_string()),
    );
    props.insert("DesiredCapacity".into(), count);
    props.insert(
        "LaunchTemplate".into(),
        json!({"LaunchTemplateId": w.resource(lt), "Version": w.attribute(lt, "LatestVersionNumber")}),
    );
    props.insert(
        "VPCZoneIdentifier".into(),
        json!((0..zones)
            .map(|i| w.resource(&subnet_id(i)))
            .collect::<Vec<_>>()),
    );
    let mut meta = json!({"group": g.name, "instanceType": g.instance_type, "count": g.count});
    if !g.availability_zones.is_empty() {
        meta["availabilityZones"] = json!(g.availability_zones);
    }
    if g.reserved_memory > 0 {
        meta["reservedMemory"] = json!(g.reserved_memory);
    }
    if let Some(r) = g.registered_memory {
        meta["registeredMemory"] = json!(r);
    }
    if g.awsvpc_trunking {
        meta["awsvpcTrunking"] = json!(true);
    }
    if let Some(n) = g.min_size {
        meta["minSize"] = json!(n);
    }
    if let Some(n) = g.max_size {
        meta["maxSize"] = json!(n);
    }
    json!({"Type": "AWS::AutoScaling::AutoScalingGroup", "DependsOn": w.id(PUBLIC_ROUTE),
        "Metadata": {METADATA_KEY: meta}, "Properties": Value::Object(props)})
}

#[cfg(test)]
mod tests {
    use super::graviton;
    use crate::model::catalogue::catalogue;

    #[test]
    fn the_name_says_arm64_exactly_where_the_catalogue_does() {
        let all = catalogue().all();
        assert!(all.len() > 1000);
        for t in all {
            assert_eq!(
                graviton(&t.name),
                t.cpu_architecture() == "arm64",
                "{}",
                t.name
            );
        }
    }
}
