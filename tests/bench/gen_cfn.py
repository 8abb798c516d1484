#!/usr/bin/env python3
"""Generates a realistic CloudFormation template with N resources, as YAML
(short tags: !Ref, !Sub, !GetAtt, !If ...) or JSON (long forms), for the
benchmark. Deterministic for a given seed; needs only the standard library.

The mix is what real stacks hold: buckets, queues, topics, roles with policy
documents, security groups, subnets, log groups, alarms, tables, KMS keys and
cache subnet/parameter groups, with about a fifth of the resources
AWS::ElastiCache::ReplicationGroup reading Parameters (some with
AllowedValues), Conditions through Fn::If, Fn::Sub and Fn::GetAtt, and about
half of them linked to a KMS key of the template.

    gen_cfn.py -n 1000 --format yaml -o t1k.yaml
"""
import argparse
import json
import random
import re
import sys


class Fn:
    """An intrinsic function call: Fn('Ref', 'X') is `!Ref X` / {"Ref": "X"}."""

    def __init__(self, name, arg):
        self.name = name
        self.arg = arg

    @property
    def tag(self):
        return "!" + (self.name[4:] if self.name.startswith("Fn::") else self.name)


def Ref(x):
    return Fn("Ref", x)


def Sub(x):
    return Fn("Fn::Sub", x)


def GetAtt(res, attr):
    return Fn("Fn::GetAtt", [res, attr])


def If(cond, a, b):
    return Fn("Fn::If", [cond, a, b])


NOVALUE = Ref("AWS::NoValue")

# ---- the template ------------------------------------------------------------

ENVS = ["dev", "staging", "prod"]
NODE_TYPES = ["cache.r6g.large", "cache.m6g.large", "cache.r7g.xlarge", "cache.t4g.medium"]
TEAMS = ["payments", "search", "identity", "catalog", "checkout", "analytics", "platform"]
OTHER_TYPES = ["bucket", "queue", "role", "sg", "subnet", "topic", "loggroup", "table",
               "alarm", "cachesubnets", "paramgroup", "bucketpolicy"]


def tags(rng, i, extra=7):
    team = rng.choice(TEAMS)
    t = [{"Key": "Name", "Value": Sub("${AWS::StackName}-%s-%05d" % (team, i))},
         {"Key": "Environment", "Value": Ref("Environment")},
         {"Key": "Team", "Value": team},
         {"Key": "CostCenter", "Value": "cc-%04d" % rng.randrange(10000)},
         {"Key": "Owner", "Value": "%s-oncall@example.com" % team}]
    for k in range(extra):
        t.append({"Key": "Label%d" % k, "Value": "value-%d-%d" % (i, rng.randrange(1000))})
    return t


def policy(rng, actions, resource):
    return {"Version": "2012-10-17",
            "Statement": [{"Sid": "Allow%d" % k, "Effect": "Allow",
                           "Action": actions[k::2] or actions, "Resource": resource}
                          for k in range(2)]}


def res_bucket(rng, i, ctx):
    return {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketName": Sub("${AWS::StackName}-data-%05d-${AWS::Region}" % i),
                "VersioningConfiguration": {"Status": "Enabled"},
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                        "KMSMasterKeyID": Ref("CustomKmsKeyArn")},
                     "BucketKeyEnabled": True}]},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True, "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
                "LifecycleConfiguration": {"Rules": [
                    {"Id": "expire-old", "Status": "Enabled", "ExpirationInDays": 365,
                     "NoncurrentVersionExpirationInDays": 30}]},
                "Tags": tags(rng, i)}}


def res_queue(rng, i, ctx):
    return {"Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": Sub("${AWS::StackName}-jobs-%05d" % i),
                "VisibilityTimeout": rng.choice([30, 60, 120, 300]),
                "MessageRetentionPeriod": 1209600,
                "KmsMasterKeyId": "alias/aws/sqs",
                "RedrivePolicy": {"deadLetterTargetArn": Sub("arn:${AWS::Partition}:sqs:"
                                                             "${AWS::Region}:${AWS::AccountId}:dlq"),
                                  "maxReceiveCount": 5},
                "Tags": tags(rng, i)}}


def res_role(rng, i, ctx):
    return {"Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": Sub("${AWS::StackName}-worker-%05d" % i),
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com",
                                                                  "ecs-tasks.amazonaws.com"]},
                     "Action": "sts:AssumeRole"}]},
                "ManagedPolicyArns": [
                    Sub("arn:${AWS::Partition}:iam::aws:policy/service-role/"
                        "AWSLambdaBasicExecutionRole")],
                "Policies": [{"PolicyName": "access",
                              "PolicyDocument": policy(
                                  rng, ["s3:GetObject", "s3:PutObject", "sqs:SendMessage",
                                        "sqs:ReceiveMessage", "kms:Decrypt"],
                                  [Sub("arn:${AWS::Partition}:s3:::${AWS::StackName}-data-*"),
                                   Sub("arn:${AWS::Partition}:sqs:${AWS::Region}:"
                                       "${AWS::AccountId}:*")])}],
                "Tags": tags(rng, i)}}


def res_sg(rng, i, ctx):
    return {"Type": "AWS::EC2::SecurityGroup",
            "Properties": {
                "GroupDescription": "cache clients %d" % i,
                "VpcId": Ref("VpcId"),
                "SecurityGroupIngress": [
                    {"IpProtocol": "tcp", "FromPort": p, "ToPort": p,
                     "CidrIp": "10.%d.0.0/16" % rng.randrange(256),
                     "Description": "clients on %d" % p} for p in (6379, 443)],
                "SecurityGroupEgress": [{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}],
                "Tags": tags(rng, i)}}


def res_subnet(rng, i, ctx):
    return {"Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": Ref("VpcId"),
                "CidrBlock": "10.%d.%d.0/24" % (rng.randrange(256), rng.randrange(256)),
                "AvailabilityZone": Fn("Fn::Select", [i % 3, Fn("Fn::GetAZs", "")]),
                "MapPublicIpOnLaunch": False,
                "Tags": tags(rng, i)}}


def res_topic(rng, i, ctx):
    return {"Type": "AWS::SNS::Topic",
            "Properties": {
                "TopicName": Sub("${AWS::StackName}-events-%05d" % i),
                "KmsMasterKeyId": "alias/aws/sns",
                "Subscription": [{"Protocol": "email", "Endpoint": Ref("AlarmEmail")}],
                "Tags": tags(rng, i)}}


def res_loggroup(rng, i, ctx):
    return {"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Delete",
            "Properties": {
                "LogGroupName": Sub("/app/${AWS::StackName}/service-%05d" % i),
                "RetentionInDays": If("IsProd", 365, 14),
                "Tags": tags(rng, i)}}


def res_table(rng, i, ctx):
    return {"Type": "AWS::DynamoDB::Table",
            "Properties": {
                "TableName": Sub("${AWS::StackName}-items-%05d" % i),
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                         {"AttributeName": "sk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                              {"AttributeName": "sk", "KeyType": "RANGE"}],
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                "SSESpecification": {"SSEEnabled": True},
                "Tags": tags(rng, i)}}


def res_alarm(rng, i, ctx):
    return {"Type": "AWS::CloudWatch::Alarm", "Condition": "CreateAlarms",
            "Properties": {
                "AlarmName": Sub("${AWS::StackName}-cpu-%05d" % i),
                "AlarmDescription": "CPU above the threshold for resource %d" % i,
                "Namespace": "AWS/ElastiCache", "MetricName": "EngineCPUUtilization",
                "Statistic": "Average", "Period": 300, "EvaluationPeriods": 3,
                "Threshold": rng.choice([70, 80, 90]),
                "ComparisonOperator": "GreaterThanThreshold",
                "AlarmActions": [Sub("arn:${AWS::Partition}:sns:${AWS::Region}:"
                                     "${AWS::AccountId}:alarms")],
                "Dimensions": [{"Name": "CacheClusterId", "Value": "cluster-%05d" % i}]}}


def res_cachesubnets(rng, i, ctx):
    ctx["subnet_groups"].append("R%05d" % i)
    return {"Type": "AWS::ElastiCache::SubnetGroup",
            "Properties": {
                "Description": "cache subnets %d" % i,
                "SubnetIds": [Ref("SubnetA"), Ref("SubnetB")],
                "Tags": tags(rng, i)}}


def res_paramgroup(rng, i, ctx):
    ctx["param_groups"].append("R%05d" % i)
    return {"Type": "AWS::ElastiCache::ParameterGroup",
            "Properties": {
                "CacheParameterGroupFamily": "redis7",
                "Description": "cache parameters %d" % i,
                "Properties": {"cluster-enabled": rng.choice(["yes", "no"]),
                               "maxmemory-policy": "allkeys-lru", "timeout": "300"},
                "Tags": tags(rng, i)}}


def res_bucketpolicy(rng, i, ctx):
    return {"Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": Sub("${AWS::StackName}-data-%05d-${AWS::Region}" % i),
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*",
                     "Action": "s3:*",
                     "Resource": [Sub("arn:${AWS::Partition}:s3:::${AWS::StackName}-data-%05d-"
                                      "${AWS::Region}/*" % i)],
                     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}}


def res_key(rng, i, ctx):
    return {"Type": "AWS::KMS::Key",
            "DeletionPolicy": rng.choice(["Retain", "Retain", "Delete"]),
            "Properties": {
                "Description": "cache key %d" % i,
                "EnableKeyRotation": True,
                "PendingWindowInDays": rng.choice([7, 30]),
                "KeyPolicy": {"Version": "2012-10-17", "Statement": [
                    {"Sid": "Root", "Effect": "Allow",
                     "Principal": {"AWS": Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                     "Action": "kms:*", "Resource": "*"},
                    {"Sid": "Cache", "Effect": "Allow",
                     "Principal": {"Service": "elasticache.amazonaws.com"},
                     "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"],
                     "Resource": "*"}]},
                "Tags": tags(rng, i)}}


def res_cache(rng, i, ctx):
    p = {"ReplicationGroupDescription": Sub("${AWS::StackName} cache %d for ${Environment}" % i),
         "Engine": "redis"}
    v = rng.random()
    # Mostly fine versions, some old ones and some taken from a parameter.
    p["EngineVersion"] = (Ref("RedisVersion") if v < 0.3 else
                          rng.choice(["7.1", "7.0", "6.2", "6.x", "5.0.6", "4.0.10", "3.2.10"]))
    p["CacheNodeType"] = Ref("CacheNodeType") if rng.random() < 0.5 else rng.choice(NODE_TYPES)
    if rng.random() < 0.5:
        p["NumNodeGroups"] = If("IsProd", 3, 1)
        p["ReplicasPerNodeGroup"] = 1
    else:
        p["NumCacheClusters"] = If("IsProd", 3, 2)
    p["AutomaticFailoverEnabled"] = True
    p["MultiAZEnabled"] = If("IsProd", True, False)
    p["AtRestEncryptionEnabled"] = rng.random() < 0.9
    p["TransitEncryptionEnabled"] = True
    key = ctx["keys"][-1] if ctx["keys"] and rng.random() < 0.8 else None
    if key:
        p["KmsKeyId"] = If("UseCustomKey", Ref("CustomKmsKeyArn"), GetAtt(key, "Arn"))
    elif rng.random() < 0.5:
        p["KmsKeyId"] = If("UseCustomKey", Ref("CustomKmsKeyArn"), NOVALUE)
    if ctx["subnet_groups"]:
        p["CacheSubnetGroupName"] = Ref(rng.choice(ctx["subnet_groups"]))
    else:
        p["CacheSubnetGroupName"] = "cache-subnets"
    if ctx["sgs"]:
        p["SecurityGroupIds"] = [GetAtt(rng.choice(ctx["sgs"]), "GroupId")]
    if ctx["param_groups"] and rng.random() < 0.5:
        p["CacheParameterGroupName"] = Ref(rng.choice(ctx["param_groups"]))
    p["SnapshotRetentionLimit"] = If("IsProd", 7, 0)
    p["PreferredMaintenanceWindow"] = "sun:05:00-sun:06:00"
    p["Port"] = 6379
    p["Tags"] = tags(rng, i, extra=8)
    return {"Type": "AWS::ElastiCache::ReplicationGroup", "DeletionPolicy": "Snapshot",
            "UpdateReplacePolicy": "Snapshot", "Properties": p}


MAKERS = {"bucket": res_bucket, "queue": res_queue, "role": res_role, "sg": res_sg,
          "subnet": res_subnet, "topic": res_topic, "loggroup": res_loggroup, "table": res_table,
          "alarm": res_alarm, "cachesubnets": res_cachesubnets, "paramgroup": res_paramgroup,
          "bucketpolicy": res_bucketpolicy}


def template(n, seed):
    rng = random.Random(seed)
    ctx = {"keys": [], "sgs": [], "subnet_groups": [], "param_groups": [], "others": 0}
    resources = {}
    for i in range(n):
        name = "R%05d" % i
        if i % 5 == 4:
            body = res_cache(rng, i, ctx)
            name = "Cache%05d" % i
        elif i % 10 == 3:
            name = "Key%05d" % i  # the slot before every other cache: its key
            body = res_key(rng, i, ctx)
            ctx["keys"].append(name)
        else:
            kind = OTHER_TYPES[ctx["others"] % len(OTHER_TYPES)]
            ctx["others"] += 1
            body = MAKERS[kind](rng, i, ctx)
            if kind == "sg":
                ctx["sgs"].append(name)
        body["Metadata"] = {"Runbook": "https://wiki.example.com/runbooks/%s/%s" % (
                                rng.choice(TEAMS), name.lower()),
                            "Revision": rng.randrange(1, 50),
                            "ChangeTicket": "CHG-%06d" % rng.randrange(10 ** 6)}
        resources[name] = body
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Benchmark stack with %d resources (seed %d)" % (n, seed),
        "Parameters": {
            "Environment": {"Type": "String", "Default": "dev", "AllowedValues": ENVS,
                            "Description": "deployment stage"},
            "CacheNodeType": {"Type": "String", "Default": NODE_TYPES[0],
                              "AllowedValues": NODE_TYPES},
            "RedisVersion": {"Type": "String", "Default": "7.1"},
            "CustomKmsKeyArn": {"Type": "String", "Default": ""},
            "VpcId": {"Type": "AWS::EC2::VPC::Id"},
            "SubnetA": {"Type": "AWS::EC2::Subnet::Id"},
            "SubnetB": {"Type": "AWS::EC2::Subnet::Id"},
            "AlarmEmail": {"Type": "String", "Default": "ops@example.com"},
        },
        "Mappings": {"RegionMap": {r: {"Ami": "ami-%08x" % rng.randrange(1 << 32)}
                                   for r in ("us-east-1", "us-west-2", "eu-west-1")}},
        "Conditions": {
            "IsProd": Fn("Fn::Equals", [Ref("Environment"), "prod"]),
            "UseCustomKey": Fn("Fn::Not", [Fn("Fn::Equals", [Ref("CustomKmsKeyArn"), ""])]),
            "IsUsEast1": Fn("Fn::Equals", [Ref("AWS::Region"), "us-east-1"]),
            "CreateAlarms": Fn("Fn::And", [Fn("Condition", "IsProd"),
                                           Fn("Condition", "IsUsEast1")]),
        },
        "Resources": resources,
        "Outputs": {"FirstCacheEndpoint": {
            "Value": GetAtt("Cache00004", "PrimaryEndPoint.Address") if n > 4 else "none",
            "Export": {"Name": Sub("${AWS::StackName}-cache")}}},
    }


# ---- JSON --------------------------------------------------------------------


def to_json(v):
    if isinstance(v, Fn):
        arg = v.arg
        if v.name == "Fn::GetAtt":
            arg = list(arg)
        return {v.name: to_json(arg)}
    if isinstance(v, dict):
        return {k: to_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [to_json(x) for x in v]
    return v


# ---- YAML (block style, short tags) --------------------------------------------

PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_ ./:@*-]*$")
SPECIAL = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def scalar(v):
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return str(v)
    s = str(v)
    if PLAIN.match(s) and s.lower() not in SPECIAL and ": " not in s and not s.endswith(":") \
            and " #" not in s and not s.endswith(" "):
        return s
    return "'" + s.replace("'", "''") + "'"


def inline(v):
    """One-line form of v, or None when it needs block style."""
    if isinstance(v, Fn):
        if v.name == "Fn::GetAtt":
            return "!GetAtt %s.%s" % tuple(v.arg)
        a = inline(v.arg)
        return None if a is None else "%s %s" % (v.tag, a)
    if isinstance(v, list):
        if len(v) > 4:
            return None
        parts = [inline(x) for x in v]
        if any(p is None for p in parts):
            return None
        return "[" + ", ".join(parts) + "]"
    if isinstance(v, dict):
        return "{}" if not v else None
    return scalar(v)


def block(v, indent, out):
    pad = " " * indent
    if isinstance(v, dict):
        for k, x in v.items():
            one = inline(x)
            if one is not None:
                out.append("%s%s: %s" % (pad, k, one))
            elif isinstance(x, Fn):
                out.append("%s%s: %s" % (pad, k, x.tag))
                block(x.arg, indent + 2, out)
            else:
                out.append("%s%s:" % (pad, k))
                block(x, indent + 2, out)
    elif isinstance(v, list):
        for x in v:
            one = inline(x)
            if one is not None:
                out.append("%s- %s" % (pad, one))
                continue
            if isinstance(x, Fn):
                out.append("%s- %s" % (pad, x.tag))
                block(x.arg, indent + 4, out)
                continue
            sub = []
            block(x, indent + 2, sub)
            sub[0] = pad + "- " + sub[0][indent + 2:]
            out.extend(sub)
    else:
        out.append(pad + scalar(v))


def to_yaml(t):
    out = []
    for k, v in t.items():
        one = inline(v)
        if one is not None:
            out.append("%s: %s" % (k, one))
        else:
            out.append("")
            out.append("%s:" % k)
            block(v, 2, out)
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--resources", type=int, default=100)
    ap.add_argument("--format", choices=["yaml", "json"], default="yaml")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("-o", "--output", default="-")
    a = ap.parse_args()
    t = template(a.resources, a.seed)
    text = to_yaml(t) if a.format == "yaml" else json.dumps(to_json(t), indent=2) + "\n"
    if a.output == "-":
        sys.stdout.write(text)
    else:
        with open(a.output, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)


if __name__ == "__main__":
    main()
