#!/usr/bin/env node
// `ordo` without a build step: registers tsx's loader in this process, then runs the
// TypeScript entry point. In-process (not a child) so signals reach the host directly.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
