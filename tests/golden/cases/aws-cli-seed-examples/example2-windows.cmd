aws elasticache create-replication-group ^
    --replication-group-id my-clustered-rg ^
    --replication-group-description "redis clustered cluster" ^
    --cache-node-type cache.m3.large ^
    --num-node-groups 3 ^
    --replicas-per-node-group 2 ^
    --engine redis ^
    --engine-version 4.0.10 ^
    --at-rest-encryption-enabled ^
    --cache-parameter-group default.redis4.0.cluster.on
