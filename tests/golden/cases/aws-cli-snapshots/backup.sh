#!/bin/bash
set -euo pipefail

# Nightly backup, encrypted with the backup key.
aws elasticache create-snapshot \
    --replication-group-id sessions \
    --snapshot-name sessions-nightly \
    --kms-key-id arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab

# A copy for the disaster-recovery runbook.
aws elasticache copy-snapshot \
    --source-snapshot-name sessions-nightly \
    --target-snapshot-name sessions-dr

# Export to S3 for the data team.
aws elasticache copy-snapshot \
    --source-snapshot-name sessions-nightly \
    --target-snapshot-name sessions-export \
    --target-bucket example-exports \
    --kms-key-id arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
