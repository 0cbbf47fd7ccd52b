// The lab's network: isolated subnets only, the security group of each part, and the Secrets Manager endpoint.
// Built in the stack's own scope (no construct of its own), so every logical id stays what the deployed lab has.
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { HTTPS_PORT } from './shop-lab-defaults';

/** The parts of the lab that run in its VPC, each behind a security group of its own. */
export type ShopLabPart = 'shop' | 'proxy' | 'database' | 'schemaSetup' | 'endpoint';

/** The lab's VPC and the security group of each of its parts. */
export interface ShopLabNetwork {
  readonly vpc: ec2.Vpc;
  /** The subnets every part runs in: isolated, no route out of the VPC. */
  readonly isolated: ec2.SubnetSelection;
  /** Closed groups: each lets nothing in or out but the rules the lab adds. */
  readonly securityGroups: Readonly<Record<ShopLabPart, ec2.SecurityGroup>>;
  readonly secretsEndpoint: ec2.InterfaceVpcEndpoint;
}

/** The lab's network, in `scope`: the AWS services the shop calls are reached through endpoints. */
export function buildShopLabNetwork(scope: Construct, logRetention: logs.RetentionDays): ShopLabNetwork {
  const isolated: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  const flowLogs = new logs.LogGroup(scope, 'VpcFlowLogs', {
    retention: logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    flowLogs: {
      rejected: {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
        trafficType: ec2.FlowLogTrafficType.REJECT,
      },
    },
  });

  /** A security group that lets nothing out until a rule says so. */
  const closedGroup = (id: string, description: string) =>
    new ec2.SecurityGroup(scope, id, { vpc, description, allowAllOutbound: false });
  const securityGroups = {
    shop: closedGroup('ShopSecurityGroup', 'Chaos Shop functions'),
    proxy: closedGroup('ProxySecurityGroup', 'Chaos Shop RDS Proxy'),
    database: closedGroup('DatabaseSecurityGroup', 'Chaos Shop Aurora cluster: the proxy only'),
    schemaSetup: closedGroup('SchemaSetupSecurityGroup', 'Chaos Shop schema setup'),
    endpoint: closedGroup('EndpointSecurityGroup', 'Chaos Shop VPC endpoints'),
  };
  const { shop, proxy, schemaSetup, endpoint } = securityGroups;
  // HTTPS out reaches only the VPC endpoints: the isolated subnets have no route anywhere else.
  // (The DynamoDB gateway endpoint's prefix list is region-specific and would need a lookup.)
  shop.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(HTTPS_PORT), 'HTTPS to the VPC endpoints');
  endpoint.addIngressRule(shop, ec2.Port.tcp(HTTPS_PORT), 'HTTPS from the shop functions');
  // The proxy may read its secret through its own network interfaces: it must reach the endpoint too.
  endpoint.connections.allowFrom(proxy, ec2.Port.tcp(HTTPS_PORT), 'HTTPS from the RDS Proxy (its secret)');
  endpoint.connections.allowFrom(schemaSetup, ec2.Port.tcp(HTTPS_PORT), 'HTTPS from the schema setup (its secrets)');
  const secretsEndpoint = vpc.addInterfaceEndpoint('SecretsManagerEndpoint', {
    service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    subnets: isolated,
    securityGroups: [endpoint],
    open: false,
  });
  return { vpc, isolated, securityGroups, secretsEndpoint };
}

/** An endpoint policy statement: these actions on these resources, by principals of this account only. */
export function endpointStatement(scope: Construct, actions: string[], resources: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    principals: [new iam.AnyPrincipal()],
    actions,
    resources,
    conditions: { StringEquals: { 'aws:PrincipalAccount': Stack.of(scope).account } },
  });
}
