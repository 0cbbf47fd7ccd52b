// An EXAMPLE target with placeholder ARNs, so the app synthesizes offline before a real target is configured.
// Nothing here exists: deploying with it would point the GameDay at resources in account 123456789012.

/** Raw `gameday` context describing a made-up proxy, cluster and queues in us-east-1. */
export const EXAMPLE_GAMEDAY_CONTEXT = Object.freeze({
  proxyName: 'example-shop-proxy',
  proxyArn: 'arn:aws:rds:us-east-1:123456789012:db-proxy:prx-0123456789abcdef0',
  targetGroupName: 'default',
  targetGroupArn: 'arn:aws:rds:us-east-1:123456789012:target-group:prx-tg-0123456789abcdef0',
  dbClusterIdentifier: 'example-shop-cluster',
  dbClusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:example-shop-cluster',
  orderQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/example-shop-orders',
  orderQueueArn: 'arn:aws:sqs:us-east-1:123456789012:example-shop-orders',
  dlqUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/example-shop-orders-dlq',
  dlqArn: 'arn:aws:sqs:us-east-1:123456789012:example-shop-orders-dlq',
  shopUrl: 'https://shop.example.com',
});
