import { defineTransportConformance, pglogOnPglite } from '@ordo/testing/conformance';

defineTransportConformance(pglogOnPglite);
