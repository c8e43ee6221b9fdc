// The `ordo` command line: one subcommand per runtime job.
import { Command, InvalidArgumentError } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { auditVerify } from './commands/audit.command.js';
import { certsCommand } from './commands/certs.command.js';
import { clusterDown, clusterStatus, clusterUp } from './commands/cluster.command.js';
import { demoCommand } from './commands/demo.command.js';
import { keysRotate } from './commands/keys.command.js';
import { projectionsRebuild } from './commands/projections.command.js';
import { serveCommand } from './commands/serve.command.js';
import { startCommand } from './commands/start.command.js';
import { SERVICE_NAMES } from './host/service-catalog.js';

function port(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('must be a port number');
  return Number(value);
}

export function buildProgram(): Command {
  const program = new Command('ordo')
    .description('Ordo: durable ordering flows (sagas, outbox, inbox)')
    .version(pkg.version)
    .showHelpAfterError();

  program
    .command('start')
    .description(
      'run every service in one process: on PGlite in the data dir (embedded), or on PostgreSQL with --database (single-node) (env: PORT, HOST, ORDO_DATA_DIR, DATABASE_URL, DATABASE_POOL_SIZE, ORDO_PSP_URL, ORDO_LOG_LEVEL, ORDO_SEED, ORDO_DEMO; see docs/operations.md)',
    )
    .option('--database <url>', 'PostgreSQL URL (the single-node shape; default: DATABASE_URL, else PGlite)')
    .action((options: { database?: string }) => startCommand(options));

  program
    .command('serve')
    .argument('<service>', `one of: ${SERVICE_NAMES.join(', ')}`)
    .description(
      'run one service as its own process, on Postgres and NATS (env: PORT, HOST, DATABASE_URL, NATS_URL, ORDO_TLS_CA, ORDO_TLS_CERT, ORDO_TLS_KEY, ORDO_PSP_URL, ORDO_UPSTREAMS, ORDO_LOG_LEVEL; see docs/operations.md)',
    )
    .action((service: string) => serveCommand(service));

  program
    .command('demo')
    .description('run the demo simulator (customers, kitchens, couriers) against an Ordo URL')
    .option('--url <url>', 'where Ordo listens', 'http://127.0.0.1:3000')
    .option('--credentials <file>', 'the demo accounts', '.ordo/cluster/demo-credentials.json')
    .action((options) => demoCommand(options));

  const cluster = program
    .command('cluster')
    .description('the distributed shape on this machine: every service as its own process, the gateway in front');
  const clusterOptions = (command: Command) =>
    command
      .option('--name <name>', 'databases are <name>_<service>', 'ordo')
      .option('--port <port>', 'gateway port (0: any free port)', port, 3000)
      .option('--base-port <port>', 'services listen on the ports after it (0: any free ports)', port, 3100)
      .option('--state-dir <dir>', 'logs, pids and demo credentials', '.ordo/cluster');
  clusterOptions(
    cluster.command('up').description('start it (env: ORDO_POSTGRES_URL, NATS_URL, REDIS_URL, ORDO_SEED, ORDO_DEMO)'),
  ).action((options) => clusterUp(options));
  clusterOptions(cluster.command('down').description('stop it'))
    .option('--purge', 'also drop its databases')
    .action((options) => clusterDown(options));
  clusterOptions(cluster.command('status').description('show its processes')).action((options) =>
    clusterStatus(options),
  );

  program
    .command('certs')
    .description(
      'make (or keep) a development CA and the certificates of mutual TLS between the gateway and the services (ADR 0024)',
    )
    .option('--dir <dir>', 'where the CA, certificates and keys go', '.ordo/cluster/tls')
    .action((options: { dir: string }) => certsCommand(options));

  program
    .command('projections')
    .description("the query service's read models")
    .command('rebuild')
    .description(
      'replay the event log into a fresh keyspace and switch readers to it at once (the same env as `ordo serve query`: DATABASE_URL, NATS_URL, ORDO_NATS_NAMESPACE, REDIS_URL)',
    )
    .action(async () => {
      const result = await projectionsRebuild();
      console.log(JSON.stringify(result));
    });

  program
    .command('keys')
    .description("Ordo's keys")
    .command('rotate')
    .description(
      'make a new token signing key and new data-encryption keys current, re-wrap stored data keys under the current master key; old keys keep working (env: ORDO_MASTER_KEY, ORDO_MASTER_KEYS_PREVIOUS, DATABASE_URL, ORDO_OPERATOR_TOKEN)',
    )
    .option(
      '--cluster <stateDir>',
      'every database of a cluster `ordo cluster up` started (its dev master key unless ORDO_MASTER_KEY)',
    )
    .option('--database <url>', "one PostgreSQL database: the gateway's or any service's (needs ORDO_MASTER_KEY)")
    .option('--url <url>', 'a running gateway instead (the embedded shape), with an operator token')
    .option('--token <token>', "an operator's access token for --url (default: ORDO_OPERATOR_TOKEN)")
    .action(async (options: { database?: string; url?: string; token?: string; cluster?: string }) => {
      console.log(JSON.stringify(await keysRotate(options)));
    });

  program
    .command('audit')
    .description('the tamper-evident audit log')
    .command('verify')
    .description(
      'recompute the hash chain and check the signed checkpoints; names the first bad entry and exits 1 (env: DATABASE_URL)',
    )
    .option('--database <url>', "the audit service's PostgreSQL database")
    .option('--schema <name>', 'the schema holding the log', 'audit')
    .option('--public-key <base64>', "the checkpoint key's public half, as the audit service logged it at first start")
    .action(async (options: { database?: string; schema?: string; publicKey?: string }) => {
      const report = await auditVerify(options);
      console.log(report.text);
      if (!report.ok) process.exitCode = 1;
    });

  return program;
}
