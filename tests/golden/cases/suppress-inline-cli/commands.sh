#!/bin/sh
# A comment above a command covers its findings on every line of it.
# tenet:ignore EC-AR-001 demo cluster, deleted after the workshop
aws elasticache create-replication-group \
    --replication-group-id demo \
    --replication-group-description "workshop demo" \
    --engine redis --engine-version 3.2.10 \
    --cache-node-type cache.r5.large \
    --cache-subnet-group-name private \
    --at-rest-encryption-enabled \
    --region us-east-1

aws elasticache create-replication-group \
    --replication-group-id prod \
    --replication-group-description "production" \
    --engine redis --engine-version 3.2.10 \
    --cache-node-type cache.r5.large \
    --cache-subnet-group-name private \
    --at-rest-encryption-enabled \
    --region us-east-1
