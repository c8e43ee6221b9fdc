import { defineTransportConformance, natsOnPostgres } from '@ordo/testing/conformance';

defineTransportConformance(natsOnPostgres);
