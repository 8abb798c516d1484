aws elasticache create-replication-group ^
    --replication-group-id my-classic-rg ^
    --replication-group-description "3 node replication group" ^
    --cache-node-type cache.m4.large ^
    --engine redis ^
    --engine-version 4.0.10 ^
    --at-rest-encryption-enabled ^
    --num-cache-clusters 3 ^
    --cache-parameter-group default.redis4.0
