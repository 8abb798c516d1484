package tenet_test

import (
	"fmt"
	"log"

	"tenet.dev/tenet"
)

func Example() {
	src := []byte(`AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: too old to encrypt
      Engine: redis
      EngineVersion: 3.2.10
      CacheNodeType: cache.r5.large
      AtRestEncryptionEnabled: true
`)
	rules, err := tenet.Builtin()
	if err != nil {
		log.Fatal(err)
	}
	defer rules.Close()
	report, err := rules.Check(src, tenet.Options{Filename: "template.yaml", Regions: []string{"us-east-1"}})
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range report.Errors() {
		fmt.Printf("%s:%d:%d: %s [%s]\n", *d.File, *d.Line, *d.Column, d.Message, d.Rule)
	}
	// Output:
	// template.yaml:8:22: Redis 3.2.10 cannot encrypt at rest; 3.2.6, 4.0.10 and later can [EC-AR-001]
}
