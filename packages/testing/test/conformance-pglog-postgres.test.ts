import { defineTransportConformance, pglogOnPostgres } from '@ordo/testing/conformance';

defineTransportConformance(pglogOnPostgres);
