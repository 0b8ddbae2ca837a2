"""Prepares a fresh moto server for the S3 store tests.

moto checks SigV4 only for access keys it knows. Its first N requests
(INITIAL_NO_AUTH_ACTION_COUNT=3) are let through unauthenticated: they create
an IAM user, give it an allow-all policy and an access key. The key then
creates the buckets. Prints "<access key id> <secret access key>".
Usage: python moto_setup.py ENDPOINT BUCKET...
"""
import json
import sys

import boto3

endpoint, buckets = sys.argv[1], sys.argv[2:]
iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id="setup", aws_secret_access_key="setup")
iam.create_user(UserName="tributary")
iam.put_user_policy(UserName="tributary", PolicyName="all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
key = iam.create_access_key(UserName="tributary")["AccessKey"]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                  aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
for bucket in buckets:
    s3.create_bucket(Bucket=bucket)
print(key["AccessKeyId"], key["SecretAccessKey"])
