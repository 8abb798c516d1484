#!/bin/sh
set -e
aws elasticache create-replication-group \
  --replication-group-id sessions \
  --replication-group-description "session store" \
  --engine redis --engine-version 3.2.10 \
  --cache-node-type cache.r5.large \
  --num-cache-clusters 2 \
  --at-rest-encryption-enabled
