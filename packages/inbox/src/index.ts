export { Inbox } from './inbox.js';
export { inboxMigrations } from './migrations.js';
export { ConsumerSequences, type SequenceVerdict } from './sequences.js';
