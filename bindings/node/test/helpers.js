// Shared fixtures of the Node binding's tests.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const fixtures = path.join(__dirname, 'fixtures');

// A replication group whose engine cannot encrypt at rest (EC-AR-001, line 9).
const BAD_ENGINE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: old engine
      Engine: redis
      CacheNodeType: cache.r5.large
      EngineVersion: 3.2.10
      NumCacheClusters: 2
      CacheSubnetGroupName: private
      AtRestEncryptionEnabled: true
`;

module.exports = {
  fixtures,
  fixture: (name) => path.join(fixtures, name),
  read: (name) => fs.readFileSync(path.join(fixtures, name)),
  BAD_ENGINE,
  // The keys every diagnostic carries (README "JSON output", schema 1).
  DIAGNOSTIC_KEYS: ['rule', 'severity', 'verdict', 'message', 'fix', 'reason', 'file', 'line', 'column',
    'end_line', 'end_column', 'path', 'subject', 'kind', 'operation', 'region', 'regions', 'scenario', 'source'],
};
