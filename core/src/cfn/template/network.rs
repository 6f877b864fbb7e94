//! Where the services' instances and tasks live. The whole stack creates a
//! VPC with one public subnet per availability zone, chosen by
//! `Fn::GetAZs` rather than written by name (an account's zone names differ;
//! cfn-lint W3010), and the instances' security group. Services into an
//! existing cluster ask for the cluster, VPC, subnets and security groups
//! as parameters instead.

use serde_json::json;

use super::{Wiring, Writer};
use crate::model::NetworkMode;

/// The instances' (and awsvpc tasks') security group in the whole stack.
pub(super) const INSTANCE_SECURITY_GROUP: &str = "InstanceSecurityGroup";
/// The VPC of the whole stack.
const VPC: &str = "Vpc";
/// The route to the internet gateway; instances need it to reach ECS.
pub(super) const PUBLIC_ROUTE: &str = "PublicRoute";

/// The subnets of the whole stack, in order: group `g` uses the first
/// `max(1, zones of g)`.
pub(super) fn subnet_id(i: usize) -> String {
    format!("PublicSubnet{}", i + 1)
}

/// How many public subnets the whole stack has: one per zone of the group
/// with most zones, and at least the two an Application Load Balancer needs.
pub(super) fn subnet_count(w: &Writer) -> usize {
    w.plan
        .cluster
        .instance_groups
        .iter()
        .map(|g| g.availability_zones.len())
        .max()
        .unwrap_or(0)
        .max(2)
}

/// The VPC, its internet gateway and route, one public subnet per zone, and
/// the instances' security group.
pub(super) fn write(w: &mut Writer) -> Wiring {
    w.add(
        VPC,
        json!({"Type": "AWS::EC2::VPC", "Properties": {
            "CidrBlock": "10.0.0.0/16", "EnableDnsSupport": true, "EnableDnsHostnames": true}}),
    );
    w.add(
        "InternetGateway",
        json!({"Type": "AWS::EC2::InternetGateway"}),
    );
    w.add(
        "InternetGatewayAttachment",
        json!({"Type": "AWS::EC2::VPCGatewayAttachment", "Properties": {
            "VpcId": w.resource(VPC), "InternetGatewayId": w.resource("InternetGateway")}}),
    );
    w.add(
        "PublicRouteTable",
        json!({"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": w.resource(VPC)}}),
    );
    w.add(
        PUBLIC_ROUTE,
        json!({"Type": "AWS::EC2::Route", "DependsOn": w.id("InternetGatewayAttachment"), "Properties": {
            "RouteTableId": w.resource("PublicRouteTable"), "DestinationCidrBlock": "0.0.0.0/0",
            "GatewayId": w.resource("InternetGateway")}}),
    );
    let count = subnet_count(w);
    for i in 0..count {
        let id = subnet_id(i);
        w.add(
            &id,
            json!({"Type": "AWS::EC2::Subnet", "Properties": {
                "VpcId": w.resource(VPC),
                "CidrBlock": format!("10.0.{i}.0/24"),
                "AvailabilityZone": {"Fn::Select": [i, {"Fn::GetAZs": ""}]},
                "MapPublicIpOnLaunch": true}}),
        );
        w.add(
            &format!("{id}RouteTableAssociation"),
            json!({"Type": "AWS::EC2::SubnetRouteTableAssociation", "Properties": {
                "SubnetId": w.resource(&id), "RouteTableId": w.resource("PublicRouteTable")}}),
        );
    }
    let task_subnets = if uses_awsvpc(w) {
        private_subnets(w, count)
    } else {
        (0..count).map(subnet_id).collect()
    };
    w.add(
        INSTANCE_SECURITY_GROUP,
        json!({"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupDescription": "Container instances and awsvpc tasks",
            "VpcId": w.resource(VPC)}}),
    );
    Wiring {
        cluster: w.resource(super::CLUSTER_ID),
        vpc: w.resource(VPC),
        task_subnets: json!(task_subnets
            .iter()
            .map(|id| w.resource(id))
            .collect::<Vec<_>>()),
        task_security_groups: json!([w.resource(INSTANCE_SECURITY_GROUP)]),
    }
}

/// Whether a service's tasks use awsvpc.
fn uses_awsvpc(w: &Writer) -> bool {
    w.plan
        .services
        .iter()
        .filter_map(|s| w.plan.task_definition(&s.task_definition))
        .any(|td| td.network_mode == NetworkMode::Awsvpc)
}

/// A private subnet per zone, routed to the internet through a NAT gateway
/// in the first public subnet; their ids.
fn private_subnets(w: &mut Writer, count: usize) -> Vec<String> {
    w.add(
        "NatGatewayAddress",
        json!({"Type": "AWS::EC2::EIP", "DependsOn": w.id("InternetGatewayAttachment"),
            "Properties": {"Domain": "vpc"}}),
    );
    w.add(
        "NatGateway",
        json!({"Type": "AWS::EC2::NatGateway", "Properties": {
            "AllocationId": w.attribute("NatGatewayAddress", "AllocationId"),
            "SubnetId": w.resource(&subnet_id(0))}}),
    );
    w.add(
        "PrivateRouteTable",
        json!({"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": w.resource(VPC)}}),
    );
    w.add(
        "PrivateRoute",
        json!({"Type": "AWS::EC2::Route", "Properties": {
            "RouteTableId": w.resource("PrivateRouteTable"), "DestinationCidrBlock": "0.0.0.0/0",
            "NatGatewayId": w.resource("NatGateway")}}),
    );
    let mut ids = Vec::new();
    for i in 0..count {
        let id = format!("PrivateSubnet{}", i + 1);
        w.add(
            &id,
            json!({"Type": "AWS::EC2::Subnet", "Properties": {
                "VpcId": w.resource(VPC),
                "CidrBlock": format!("10.0.{}.0/24", 128 + i),
                "AvailabilityZone": {"Fn::Select": [i, {"Fn::GetAZs": ""}]}}}),
        );
        w.add(
            &format!("{id}RouteTableAssociation"),
            json!({"Type": "AWS::EC2::SubnetRouteTableAssociation", "Properties": {
                "SubnetId": w.resource(&id), "RouteTableId": w.resource("PrivateRouteTable")}}),
        );
        ids.push(id);
    }
    ids
}

/// The parameters that name what a platform stack already runs: the
/// cluster (its Default the plan's cluster name), the VPC, and the subnets
/// and security groups of awsvpc tasks. Each is declared only if used.
pub(super) fn existing(w: &mut Writer) -> Wiring {
    let cluster = w.deploy_parameter(
        "ClusterName",
        json!({"Type": "String", "Default": w.plan.cluster.cluster_name,
            "Description": "The existing ECS cluster the services run in"}),
    );
    let vpc = w.deploy_parameter(
        "VpcId",
        json!({"Type": "AWS::EC2::VPC::Id",
            "Description": "The VPC of the cluster and its load balancer listener"}),
    );
    let task_subnets = w.deploy_parameter(
        "Subnets",
        json!({"Type": "List<AWS::EC2::Subnet::Id>",
            "Description": "Subnets for the network interfaces of awsvpc tasks"}),
    );
    let task_security_groups = w.deploy_parameter(
        "SecurityGroups",
        json!({"Type": "List<AWS::EC2::SecurityGroup::Id>",
            "Description": "Security groups for the network interfaces of awsvpc tasks"}),
    );
    Wiring {
        cluster,
        vpc,
        task_subnets,
        task_security_groups,
    }
}
