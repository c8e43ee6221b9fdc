import { MemoryReadStore } from '../src/index.js';
import { defineReadStoreConformance } from './read-store.conformance.js';

defineReadStoreConformance('memory', async () => ({ store: new MemoryReadStore(), cleanup: async () => {} }));
