#!/usr/bin/env python3
"""Generates a realistic Terraform plan (`terraform show -json` output) with N
resource changes for the benchmark. Deterministic for a given seed; needs only
the standard library.

Like a real plan it carries planned_values, resource_changes (before, after,
after_unknown, sensitive masks) and the configuration (provider_config with a
region from a variable, expressions with references). About a fifth of the
changes are aws_elasticache_replication_group, most of them referring to a KMS
key of the plan; the rest are buckets, queues, roles, security groups,
subnets, log groups, keys and cache subnet/parameter groups. Most changes
create, some update or replace (with before values), some are no-ops.

    gen_tfplan.py -n 1000 -o plan1k.json
"""
import argparse
import json
import random
import sys

TEAMS = ["payments", "search", "identity", "catalog", "checkout", "analytics", "platform"]
NODE_TYPES = ["cache.r6g.large", "cache.m6g.large", "cache.r5.large", "cache.t3.medium"]
VERSIONS = ["7.1", "7.0", "6.2", "6.x", "5.0.6", "4.0.10", "3.2.10"]
OTHERS = ["aws_s3_bucket", "aws_sqs_queue", "aws_iam_role", "aws_security_group", "aws_subnet",
          "aws_cloudwatch_log_group", "aws_elasticache_subnet_group",
          "aws_elasticache_parameter_group", "aws_sns_topic", "aws_dynamodb_table"]


def tags(rng, name):
    team = rng.choice(TEAMS)
    t = {"Name": name, "Team": team, "Environment": "prod", "CostCenter":
         "cc-%04d" % rng.randrange(10000), "Owner": "%s-oncall@example.com" % team}
    for k in range(3):
        t["Label%d" % k] = "value-%d" % rng.randrange(10000)
    return t


def arn(service, rest):
    return "arn:aws:%s:us-east-1:123456789012:%s" % (service, rest)


def body(rng, typ, name, ctx):
    """(after, after_unknown, expressions) of one resource."""
    tg = tags(rng, name)
    unk = {"arn": True, "id": True, "tags_all": True}
    ex = {"tags": {"constant_value": tg}}
    if typ == "aws_s3_bucket":
        a = {"bucket": "bench-%s" % name, "force_destroy": False, "tags": tg, "timeouts": None,
             "object_lock_enabled": False}
        unk.update({"bucket_domain_name": True, "hosted_zone_id": True, "region": True,
                    "versioning": True, "server_side_encryption_configuration": True})
        ex["bucket"] = {"constant_value": a["bucket"]}
    elif typ == "aws_sqs_queue":
        a = {"name": "bench-%s" % name, "visibility_timeout_seconds": 60,
             "message_retention_seconds": 1209600, "kms_master_key_id": "alias/aws/sqs",
             "fifo_queue": False, "delay_seconds": 0, "tags": tg}
        unk.update({"url": True, "policy": True, "redrive_policy": True})
    elif typ == "aws_iam_role":
        doc = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole",
             "Principal": {"Service": ["lambda.amazonaws.com", "ecs-tasks.amazonaws.com"]}}]}
        a = {"name": "bench-%s" % name, "assume_role_policy": json.dumps(doc),
             "path": "/", "max_session_duration": 3600, "force_detach_policies": False,
             "description": "worker role %s" % name, "tags": tg,
             "inline_policy": [{"name": "access", "policy": json.dumps({
                 "Version": "2012-10-17", "Statement": [
                     {"Effect": "Allow", "Action": ["s3:GetObject", "sqs:SendMessage"],
                      "Resource": "*"}]})}]}
        unk.update({"create_date": True, "unique_id": True, "managed_policy_arns": True})
    elif typ == "aws_security_group":
        a = {"name": "bench-%s" % name, "description": "cache clients", "tags": tg,
             "revoke_rules_on_delete": False,
             "ingress": [{"from_port": p, "to_port": p, "protocol": "tcp",
                          "cidr_blocks": ["10.%d.0.0/16" % rng.randrange(256)],
                          "description": "clients", "ipv6_cidr_blocks": [],
                          "prefix_list_ids": [], "security_groups": [], "self": False}
                         for p in (6379, 443)],
             "egress": [{"from_port": 0, "to_port": 0, "protocol": "-1",
                         "cidr_blocks": ["0.0.0.0/0"], "description": "", "ipv6_cidr_blocks": [],
                         "prefix_list_ids": [], "security_groups": [], "self": False}]}
        unk.update({"owner_id": True, "vpc_id": True})
        ex["vpc_id"] = {"references": ["var.vpc_id"]}
        ctx["sgs"].append("aws_security_group." + name)
    elif typ == "aws_subnet":
        a = {"cidr_block": "10.%d.%d.0/24" % (rng.randrange(256), rng.randrange(256)),
             "map_public_ip_on_launch": False, "assign_ipv6_address_on_creation": False,
             "tags": tg}
        unk.update({"availability_zone": True, "vpc_id": True, "owner_id": True})
    elif typ == "aws_cloudwatch_log_group":
        a = {"name": "/app/bench/%s" % name, "retention_in_days": 365, "skip_destroy": False,
             "kms_key_id": None, "tags": tg}
    elif typ == "aws_elasticache_subnet_group":
        a = {"name": "bench-%s" % name, "description": "cache subnets", "tags": tg}
        unk.update({"subnet_ids": True, "vpc_id": True})
        ctx["subnet_groups"].append(name)
    elif typ == "aws_elasticache_parameter_group":
        a = {"name": "bench-%s" % name, "family": "redis7", "description": "cache parameters",
             "parameter": [{"name": "cluster-enabled", "value": rng.choice(["yes", "no"])},
                           {"name": "maxmemory-policy", "value": "allkeys-lru"}],
             "tags": tg}
        ctx["param_groups"].append(name)
    elif typ == "aws_sns_topic":
        a = {"name": "bench-%s" % name, "kms_master_key_id": "alias/aws/sns", "fifo_topic": False,
             "tags": tg}
        unk.update({"policy": True, "owner": True})
    elif typ == "aws_dynamodb_table":
        a = {"name": "bench-%s" % name, "billing_mode": "PAY_PER_REQUEST", "hash_key": "pk",
             "range_key": "sk", "attribute": [{"name": "pk", "type": "S"},
                                               {"name": "sk", "type": "S"}],
             "point_in_time_recovery": [{"enabled": True}], "tags": tg}
        unk.update({"stream_arn": True, "server_side_encryption": True})
    elif typ == "aws_kms_key":
        a = {"description": "cache key %s" % name, "enable_key_rotation": True,
             "deletion_window_in_days": rng.choice([7, 30]), "is_enabled": True,
             "key_usage": "ENCRYPT_DECRYPT", "customer_master_key_spec": "SYMMETRIC_DEFAULT",
             "bypass_policy_lockout_safety_check": False, "tags": tg}
        unk.update({"key_id": True, "policy": True, "multi_region": True})
        ctx["keys"].append(name)
    else:  # aws_elasticache_replication_group
        a = {"replication_group_id": "bench-%s" % name, "description": "cache %s" % name,
             "engine": "redis", "engine_version": rng.choice(VERSIONS),
             "node_type": rng.choice(NODE_TYPES), "port": 6379,
             "automatic_failover_enabled": True, "multi_az_enabled": True,
             "at_rest_encryption_enabled": rng.random() < 0.9,
             "transit_encryption_enabled": True, "snapshot_retention_limit": 7,
             "maintenance_window": "sun:05:00-sun:06:00", "tags": tg,
             "apply_immediately": None, "auth_token": None, "final_snapshot_identifier": None,
             "log_delivery_configuration": [], "notification_topic_arn": None}
        unk.update({"cluster_enabled": True, "configuration_endpoint_address": True,
                    "member_clusters": True, "primary_endpoint_address": True,
                    "reader_endpoint_address": True, "engine_version_actual": True,
                    "security_group_names": True, "cluster_mode": True})
        if rng.random() < 0.5:
            a["num_node_groups"] = 3
            a["replicas_per_node_group"] = 1
        else:
            a["num_cache_clusters"] = 2
        for k in ("engine", "engine_version", "node_type", "at_rest_encryption_enabled"):
            ex[k] = {"constant_value": a[k]}
        if ctx["keys"] and rng.random() < 0.8:
            key = ctx["keys"][-1]
            unk["kms_key_id"] = True
            ex["kms_key_id"] = {"references": ["aws_kms_key.%s.arn" % key, "aws_kms_key.%s" % key]}
        if ctx["subnet_groups"]:
            g = rng.choice(ctx["subnet_groups"])
            a["subnet_group_name"] = "bench-%s" % g
            ex["subnet_group_name"] = {"references": ["aws_elasticache_subnet_group.%s.name" % g,
                                                      "aws_elasticache_subnet_group.%s" % g]}
        if ctx["param_groups"] and rng.random() < 0.5:
            g = rng.choice(ctx["param_groups"])
            unk["parameter_group_name"] = True
            ex["parameter_group_name"] = {"references": [
                "aws_elasticache_parameter_group.%s.name" % g,
                "aws_elasticache_parameter_group.%s" % g]}
        if ctx["sgs"]:
            unk["security_group_ids"] = True
            sg = rng.choice(ctx["sgs"])
            ex["security_group_ids"] = {"references": [sg + ".id", sg]}
    return a, unk, ex


def plan(n, seed):
    rng = random.Random(seed)
    ctx = {"keys": [], "sgs": [], "subnet_groups": [], "param_groups": []}
    changes, planned, conf = [], [], []
    others = 0
    for i in range(n):
        if i % 5 == 4:
            typ = "aws_elasticache_replication_group"
        elif i % 10 == 3:
            typ = "aws_kms_key"
        else:
            typ = OTHERS[others % len(OTHERS)]
            others += 1
        name = "r%05d" % i
        addr = "%s.%s" % (typ, name)
        after, unk, ex = body(rng, typ, name, ctx)
        roll = rng.random()
        if roll < 0.75:
            actions, before = ["create"], None
        elif roll < 0.85:
            actions, before = ["update"], dict(after, tags=dict(after["tags"], Revision="1"))
        elif roll < 0.9:
            actions, before = ["delete", "create"], dict(after)
        else:
            actions, before = ["no-op"], dict(after)
        change = {"actions": actions, "before": before, "after": after,
                  "after_unknown": unk, "before_sensitive": {} if before else False,
                  "after_sensitive": {"tags": {}, "tags_all": {}}}
        if actions == ["delete", "create"]:
            change["replace_paths"] = [["name"]]
        rc = {"address": addr, "mode": "managed", "type": typ, "name": name,
              "provider_name": "registry.terraform.io/hashicorp/aws", "change": change}
        if actions == ["delete", "create"]:
            rc["action_reason"] = "replace_because_cannot_update"
        changes.append(rc)
        planned.append({"address": addr, "mode": "managed", "type": typ, "name": name,
                        "provider_name": "registry.terraform.io/hashicorp/aws",
                        "schema_version": 0, "values": after,
                        "sensitive_values": {"tags": {}, "tags_all": {}}})
        conf.append({"address": addr, "mode": "managed", "type": typ, "name": name,
                     "provider_config_key": "aws", "expressions": ex, "schema_version": 0})
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "variables": {"region": {"value": "us-east-1"}, "vpc_id": {"value": "vpc-0abc123"}},
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {
                "name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                "version_constraint": "~> 5.0",
                "expressions": {"region": {"references": ["var.region"]}}}},
            "root_module": {"resources": conf, "variables": {
                "region": {"default": "us-east-1"}, "vpc_id": {"description": "the VPC"}}}},
        "timestamp": "2025-01-01T00:00:00Z",
        "errored": False,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--resources", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("-o", "--output", default="-")
    a = ap.parse_args()
    text = json.dumps(plan(a.resources, a.seed), indent=2) + "\n"
    if a.output == "-":
        sys.stdout.write(text)
    else:
        with open(a.output, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)


if __name__ == "__main__":
    main()
