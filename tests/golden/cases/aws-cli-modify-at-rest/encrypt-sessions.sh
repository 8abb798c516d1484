#!/bin/sh
# Try to turn on at-rest encryption on the existing group.
aws elasticache modify-replication-group \
    --replication-group-id sessions \
    --at-rest-encryption-enabled \
    --kms-key-id arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab \
    --apply-immediately \
    --region us-east-1
